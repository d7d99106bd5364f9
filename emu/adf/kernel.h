// aie4ml host emulation of ADF kernels and graph constraints (UG1603 "Graph Programming"):
// `adf::kernel::create(fn)`, kernel ports `k.in[i]` / `k.out[j]`, `adf::connect<...>(a, b)`,
// `adf::location<...>()`, `adf::source()`, `adf::runtime<ratio>()`, `adf::stack_size()`,
// `adf::heap_size()`, `adf::dimensions()`, runtime-parameter ports (`adf::port<direction::in>`,
// `adf::async()`, `adf::initial_value()`), all recorded as data in graph_registry.h.
//
// Port numbering follows ADF: a kernel's parameters are numbered in signature order, inputs (input
// buffers, input cascades, runtime-parameter arrays) in `in[]` and outputs in `out[]`.
// kernel::create reads the kernel's signature and builds an invoker that calls the function with
// buffer views, cascade ports and parameter arrays bound to whatever memory the scheduler hands it.
#pragma once
#include <array>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "graph_registry.h"
#include "io_buffer.h"
#include "stream.h"

namespace aie4ml_emu {
namespace rt {

// How one kernel parameter type maps onto a port and onto an argument at call time.
template <class A>
struct kernel_arg {
  static_assert(sizeof(A) == 0,
                "aie4ml emu: kernel parameter type not supported (buffers, cascades and runtime-parameter arrays are)");
};

template <class T, class C>
struct kernel_arg<adf::io_buffer<T, adf::emu_dir::in, C>&> {
  static constexpr port_kind kind = port_kind::buffer_in;
  using holder = adf::io_buffer<T, adf::emu_dir::in, C>;
  static const char* type() { return type_name<T>(); }
  static constexpr unsigned bytes = sizeof(T);
  static constexpr long long array_elems = 0;
  static holder hold(void* p, std::size_t n) { return holder(static_cast<T*>(p), n); }
  static holder& get(holder& h) { return h; }
};

template <class T, class C>
struct kernel_arg<adf::io_buffer<T, adf::emu_dir::out, C>&> {
  static constexpr port_kind kind = port_kind::buffer_out;
  using holder = adf::io_buffer<T, adf::emu_dir::out, C>;
  static const char* type() { return type_name<T>(); }
  static constexpr unsigned bytes = sizeof(T);
  static constexpr long long array_elems = 0;
  static holder hold(void* p, std::size_t n) { return holder(static_cast<T*>(p), n); }
  static holder& get(holder& h) { return h; }
};

template <class Tag>
struct kernel_arg<input_cascade<Tag>*> {
  static constexpr port_kind kind = port_kind::cascade_in;
  using holder = input_cascade<Tag>;
  static const char* type() { return type_name<Tag>(); }
  static constexpr unsigned bytes = 0;
  static constexpr long long array_elems = 0;
  static holder hold(void* p, std::size_t) { return holder(*static_cast<cascade_link<Tag>*>(p)); }
  static holder* get(holder& h) { return &h; }
};

template <class Tag>
struct kernel_arg<output_cascade<Tag>*> {
  static constexpr port_kind kind = port_kind::cascade_out;
  using holder = output_cascade<Tag>;
  static const char* type() { return type_name<Tag>(); }
  static constexpr unsigned bytes = 0;
  static constexpr long long array_elems = 0;
  static holder hold(void* p, std::size_t) { return holder(*static_cast<cascade_link<Tag>*>(p)); }
  static holder* get(holder& h) { return &h; }
};

template <class T, std::size_t N>
struct kernel_arg<const T (&)[N]> {
  static constexpr port_kind kind = port_kind::rtp_in;
  using holder = const T*;
  static const char* type() { return type_name<T>(); }
  static constexpr unsigned bytes = sizeof(T);
  static constexpr long long array_elems = static_cast<long long>(N);
  static holder hold(void* p, std::size_t) { return static_cast<const T*>(p); }
  static const T (&get(holder& h))[N] { return *reinterpret_cast<const T(*)[N]>(h); }
};

constexpr bool is_output(port_kind k) { return k == port_kind::buffer_out || k == port_kind::cascade_out; }

template <class... Args, std::size_t... I>
void invoke_kernel(void (*fn)(Args...), call_frame& f, const std::array<int, sizeof...(Args)>& slot,
                   std::index_sequence<I...>) {
  std::tuple<typename kernel_arg<Args>::holder...> held{kernel_arg<Args>::hold(
      is_output(kernel_arg<Args>::kind) ? f.out[slot[I]] : f.in[slot[I]],
      is_output(kernel_arg<Args>::kind) ? f.out_elems[slot[I]] : f.in_elems[slot[I]])...};
  fn(kernel_arg<Args>::get(std::get<I>(held))...);
}

template <class A>
int add_kernel_port(node& n) {
  port_info p;
  p.kind = kernel_arg<A>::kind;
  p.type = kernel_arg<A>::type();
  p.elem_bytes = kernel_arg<A>::bytes;
  p.rtp_elems = kernel_arg<A>::array_elems;
  auto& list = is_output(p.kind) ? n.out : n.in;
  list.push_back(p);
  return static_cast<int>(list.size()) - 1;
}

// A port a runtime parameter is connected to, with its synchronisation (adf::async / adf::sync).
struct rtp_target {
  endpoint port;
  bool async = false;
};

template <class F>
struct assign_proxy {
  F apply;
  template <class V>
  void operator=(const V& v) { apply(v); }
};

// Values of `adf::initial_value(port) = {...}`: any arithmetic element type.
struct initial_value_proxy {
  endpoint port;
  template <class T>
  void operator=(std::initializer_list<T> values) {
    auto& info = port.info();
    info.initial.assign(values.begin(), values.end());
    info.has_initial = true;
  }
  template <class T>
  void operator=(const std::vector<T>& values) {
    auto& info = port.info();
    info.initial.assign(values.begin(), values.end());
    info.has_initial = true;
  }
};

// `location<buffer>(port or shared buffer) = address` or `= {address, address}` (ping-pong copies).
struct buffer_location_proxy {
  std::vector<adf::address>* target;
  void operator=(const adf::address& a) { *target = {a}; }
  void operator=(std::initializer_list<adf::address> list) { *target = list; }
};

struct stack_location_proxy {
  node* kernel;
  void operator=(const adf::address& a) { kernel->stack_location = a; }
};

}  // namespace rt
}  // namespace aie4ml_emu

namespace adf {

using aie4ml_emu::rt::endpoint;

// Tags of the constraint and connection templates.
struct buffer {};
struct stack {};
struct PLIO {};
struct ratio {};
struct cascade {};
struct parameter {};

enum class direction { in, out, inout };

class kernel {
 public:
  std::vector<endpoint> in, out;
  aie4ml_emu::rt::node* impl = nullptr;

  template <class... Args>
  static kernel create(void (*fn)(Args...)) {
    using namespace aie4ml_emu::rt;
    node* n = current_registry().add(node_kind::kernel);
    const std::array<int, sizeof...(Args)> slot{add_kernel_port<Args>(*n)...};
    n->invoke = [fn, slot](call_frame& f) { invoke_kernel(fn, f, slot, std::index_sequence_for<Args...>{}); };
    kernel k;
    k.impl = n;
    k.in = endpoints(n, false);
    k.out = endpoints(n, true);
    return k;
  }
};

// A graph-level runtime-parameter port (`adf::port<adf::direction::in>`, also `adf::input_port`).
template <direction D>
class port {
 public:
  port() {
    impl = aie4ml_emu::rt::current_registry().add(aie4ml_emu::rt::node_kind::rtp_port);
    aie4ml_emu::rt::port_info p;
    p.kind = aie4ml_emu::rt::port_kind::rtp_source;
    impl->out.push_back(p);
  }
  aie4ml_emu::rt::node* impl = nullptr;
};
using input_port = port<direction::in>;

inline aie4ml_emu::rt::rtp_target async(const endpoint& p) { return {p, true}; }
inline aie4ml_emu::rt::rtp_target sync(const endpoint& p) { return {p, false}; }

namespace emu_detail {

inline void add_edge(aie4ml_emu::rt::edge_kind kind, const endpoint& from, const endpoint& to) {
  if (!from.owner || !to.owner) throw aie4ml_emu::emu_error("connect: a port of an object that was never created");
  if (!from.out) throw aie4ml_emu::emu_error("connect: " + aie4ml_emu::rt::describe(from) + " is an input, not a source");
  if (to.out) throw aie4ml_emu::emu_error("connect: " + aie4ml_emu::rt::describe(to) + " is an output, not a destination");
  aie4ml_emu::rt::current_registry().edges.push_back({kind, from, to});
}

}  // namespace emu_detail

// adf::connect<>(from, to), adf::connect<adf::cascade>(...), adf::connect<adf::parameter>(port, async(k.in[i])).
template <class Kind = void>
struct connect {
  connect(const endpoint& from, const endpoint& to) {
    using aie4ml_emu::rt::edge_kind;
    using aie4ml_emu::rt::port_kind;
    const bool cascade_ports = from.info().kind == port_kind::cascade_out || to.info().kind == port_kind::cascade_in;
    if constexpr (std::is_same_v<Kind, cascade>) {
      if (!cascade_ports)
        throw aie4ml_emu::emu_error("connect<cascade>: " + aie4ml_emu::rt::describe(from) + " -> " +
                                    aie4ml_emu::rt::describe(to) + " are not cascade ports");
    }
    emu_detail::add_edge(cascade_ports ? edge_kind::cascade : edge_kind::data, from, to);
  }
  template <direction D>
  connect(const port<D>& from, const aie4ml_emu::rt::rtp_target& to) {
    static_assert(std::is_same_v<Kind, parameter>, "runtime parameters connect with adf::connect<adf::parameter>");
    to.port.info().async = to.async;
    emu_detail::add_edge(aie4ml_emu::rt::edge_kind::parameter, endpoint{from.impl, true, 0}, to.port);
  }
  template <direction D>
  connect(const port<D>& from, const endpoint& to) : connect(from, aie4ml_emu::rt::rtp_target{to, false}) {}
};
connect(const endpoint&, const endpoint&) -> connect<void>;

// ---- constraints and attributes ----

inline std::string& source(kernel& k) { return k.impl->source; }
inline std::optional<long long>& stack_size(kernel& k) { return k.impl->stack_size; }
inline std::optional<long long>& heap_size(kernel& k) { return k.impl->heap_size; }

template <class Kind>
std::optional<double>& runtime(kernel& k) {
  static_assert(std::is_same_v<Kind, ratio>, "adf::runtime<adf::ratio>(kernel) is the supported form");
  return k.impl->runtime_ratio;
}

inline std::vector<unsigned>& dimensions(const endpoint& p) { return p.info().dims; }

inline aie4ml_emu::rt::initial_value_proxy initial_value(const endpoint& p) { return {p}; }

// location<kernel>(k) = tile(c, r); location<stack>(k) = address(...); location<buffer>(k.in[i]) =
// address or {address, address}; location<buffer>(shared buffer) = ...; location<PLIO>(plio) = shim(c).
template <class Kind, class Obj>
decltype(auto) location(Obj& obj) {
  if constexpr (std::is_same_v<Kind, kernel>) {
    static_assert(std::is_same_v<Obj, kernel>, "location<kernel> takes a kernel");
    return (obj.impl->tile);
  } else if constexpr (std::is_same_v<Kind, stack>) {
    static_assert(std::is_same_v<Obj, kernel>, "location<stack> takes a kernel");
    return aie4ml_emu::rt::stack_location_proxy{obj.impl};
  } else if constexpr (std::is_same_v<Kind, buffer>) {
    if constexpr (std::is_same_v<std::remove_const_t<Obj>, endpoint>)
      return aie4ml_emu::rt::buffer_location_proxy{&obj.info().buffer_location};
    else
      return aie4ml_emu::rt::buffer_location_proxy{&obj.impl->location};
  } else if constexpr (std::is_same_v<Kind, PLIO>) {
    return (obj.impl->shim);
  } else {
    static_assert(sizeof(Kind) == 0, "aie4ml emu: location<> kind not supported");
  }
}

}  // namespace adf
