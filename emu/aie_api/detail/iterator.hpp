// aie4ml host emulation: vector iterators (aie::begin_vector) over plain memory. Dereferencing reads a
// vector (an aligned load); assigning through the dereference writes one (an aligned store).
#pragma once
#include <cstddef>
#include <type_traits>

#include "ops.hpp"

namespace aie4ml_emu {

template <class T, unsigned Elems>
class vector_iterator {
  using E = std::remove_const_t<T>;

 public:
  using value_type = aie::vector<E, Elems>;

  class reference {
   public:
    explicit reference(T* p) : p_(p) {}
    operator value_type() const { return aie::load_v<Elems>(p_); }  // NOLINT
    reference& operator=(const value_type& v)
      requires(!std::is_const_v<T>)
    {
      aie::store_v(p_, v);
      return *this;
    }
    reference& operator=(const reference& other)
      requires(!std::is_const_v<T>)
    {
      return *this = static_cast<value_type>(other);
    }

   private:
    T* p_;
  };

  explicit vector_iterator(T* p) : p_(p) {}
  reference operator*() const { return reference(p_); }
  vector_iterator& operator++() {
    p_ += Elems;
    return *this;
  }
  vector_iterator operator++(int) {
    auto old = *this;
    p_ += Elems;
    return old;
  }
  vector_iterator& operator--() {
    p_ -= Elems;
    return *this;
  }
  vector_iterator operator--(int) {
    auto old = *this;
    p_ -= Elems;
    return old;
  }
  vector_iterator& operator+=(std::ptrdiff_t n) {
    p_ += n * static_cast<std::ptrdiff_t>(Elems);
    return *this;
  }
  vector_iterator& operator-=(std::ptrdiff_t n) {
    p_ -= n * static_cast<std::ptrdiff_t>(Elems);
    return *this;
  }
  reference operator[](std::ptrdiff_t n) const { return reference(p_ + n * static_cast<std::ptrdiff_t>(Elems)); }
  bool operator==(const vector_iterator& o) const { return p_ == o.p_; }
  bool operator!=(const vector_iterator& o) const { return p_ != o.p_; }

 private:
  T* p_;
};

}  // namespace aie4ml_emu

namespace aie {

template <unsigned Elems, typename T>
auto begin_vector(T* base) {
  return aie4ml_emu::vector_iterator<T, Elems>(base);
}
template <unsigned Elems, typename T>
auto cbegin_vector(const T* base) {
  return aie4ml_emu::vector_iterator<const T, Elems>(base);
}

}  // namespace aie
