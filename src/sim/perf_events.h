// The event-driven engine of the performance model: processes that acquire and release locked
// ping-pong buffers, wait for cascade partners, and spend cycles, in simulated time.
//
// Reads: a set of Buffers, CascadeLinks and Processes built by perf_model.cpp from a Design. Writes: for
//   every process and batch, the time each wait ended and who caused it, busy cycles and named time marks
//   (first/last word on a PLIO). Checks: deadlock (processes left waiting when no event is pending)
//   raises std::logic_error naming them: a Design the engine cannot run is a bug in the model builder.
//
// Semantics, following ADF's locks (UG1603): a Buffer holds `copies` copies and is written by W writer
// ports and read by R reader ports, batch after batch: batch b goes into copy b % copies, may be written
// once batch b - copies has been read by all readers, and may be read once all writers released it.
// A CascadeLink is a rendezvous per 2 x 2 block: the producer's write and the consumer's read happen at
// the later of the two arrival times; the consumer resumes link_cycles later. Events at equal times are
// processed in the order they were scheduled, so results are deterministic.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

namespace aie4ml::perf {

using Cycles = double;
class Process;

class Buffer {
 public:
  Buffer(std::string name, int copies) : name_(std::move(name)), copies_(copies) {}
  const std::string& name() const { return name_; }
  int copies() const { return copies_; }
  void add_writer() { ++writers_; }
  void add_reader() { ++readers_; }
  int writers() const { return writers_; }
  int readers() const { return readers_; }

  bool can_write(int64_t batch) const;
  bool can_read(int64_t batch) const;
  // Release one writer's (reader's) hold on `batch`; returns true when this completed the batch.
  // `issued`: when the releasing process acted (a release may arrive later, after its data's flight).
  bool release_write(int64_t batch, Process* by, Cycles issued);
  bool release_read(int64_t batch, Process* by, Cycles issued);
  // Who completed the batch's writes (reads) and when: the cause of a wait on this buffer.
  struct Completion {
    Process* by = nullptr;
    Cycles issued = 0;
  };
  Completion written(int64_t batch) const;
  Completion read(int64_t batch) const;  // all readers done

  std::vector<Process*> waiters;

 private:
  std::string name_;
  int copies_ = 2, writers_ = 0, readers_ = 0;
  std::map<int64_t, int> writes_, reads_;
  std::map<int64_t, Completion> written_, read_;
};

class CascadeLink {
 public:
  CascadeLink(std::string name, Cycles link_cycles) : name_(std::move(name)), link_cycles_(link_cycles) {}
  const std::string& name() const { return name_; }
  Cycles link_cycles() const { return link_cycles_; }
  // Pending arrivals (token index = batch * blocks + block; both sides count identically).
  Process* producer_waiting = nullptr;
  Process* consumer_waiting = nullptr;
  int64_t producer_token = -1, consumer_token = -1;

 private:
  std::string name_;
  Cycles link_cycles_ = 0;
};

struct Step {
  enum class Kind {
    AcquireWrite,  // wait until `buffer` may be written for this batch
    AcquireRead,   // wait until `buffer` holds this batch
    ReleaseWrite,  // after `cycles` (in flight: does not hold the process)
    ReleaseRead,
    Busy,     // spend `cycles` (counted as busy)
    Send,     // cascade rendezvous as producer (token)
    Receive,  // cascade rendezvous as consumer
    Mark,     // record time now + cycles under `mark`
  };
  Kind kind = Kind::Busy;
  Buffer* buffer = nullptr;
  CascadeLink* link = nullptr;
  Cycles cycles = 0;
  int64_t token = 0;
  std::string mark;  // Mark; Busy: a label for the latency breakdown ("compute", "transfer", ...)
};

// What happened to one process in one batch.
struct BatchRecord {
  Cycles start = -1, end = -1;  // first step began / last step done
  Cycles busy = 0;
  // Every wait that ended: when, on what, and the process whose action ended it.
  struct Wait {
    Cycles began = 0, ended = 0;
    Process* cause = nullptr;
    int64_t cause_batch = 0;
    Cycles cause_time = 0;  // when the cause acted (ended - cause_time = time in flight)
    std::string on;
  };
  std::vector<Wait> waits;
  std::map<std::string, Cycles> marks;
  std::vector<std::pair<std::string, Cycles>> busy_by_label;
};

class Engine;

class Process {
 public:
  enum class Kind { Kernel, Dma, PlioIn, PlioOut };
  // `program(batch)` lists the steps of one batch; batches run one after another.
  using Program = std::function<std::vector<Step>(int64_t batch)>;
  Process(std::string name, Kind kind, Program program)
      : name_(std::move(name)), kind_(kind), program_(std::move(program)) {}
  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::vector<BatchRecord>& records() const { return records_; }
  bool finished() const { return finished_; }

 private:
  friend class Engine;
  std::string name_;
  Kind kind_;
  Program program_;
  int64_t batch_ = 0;
  std::vector<Step> steps_;
  size_t pc_ = 0;
  bool waiting_ = false, finished_ = false;
  Cycles wait_began_ = 0;
  std::vector<BatchRecord> records_;
  // Cascade: set by the partner when the rendezvous happened.
  Cycles cascade_time_ = -1;
  Process* cascade_cause_ = nullptr;
};

class Engine {
 public:
  Buffer& add_buffer(const std::string& name, int copies);
  CascadeLink& add_link(const std::string& name, Cycles link_cycles);
  Process& add_process(const std::string& name, Process::Kind kind, Process::Program program);
  Buffer* buffer(const std::string& name);

  // Run `batches` batches through every process; returns the time the last event happened.
  Cycles run(int64_t batches);
  const std::vector<std::unique_ptr<Process>>& processes() const { return processes_; }
  const Process* process(const std::string& name) const;

 private:
  struct Event {
    Cycles time;
    uint64_t seq;
    Process* process;          // resume this process
    Buffer* buffer = nullptr;  // or release this buffer (deferred release)
    bool write = false;
    int64_t batch = 0;
    Process* by = nullptr;
    Cycles issued = 0;
    bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  void schedule(Cycles t, Process* p);
  void schedule_release(Cycles t, Buffer* b, bool write, int64_t batch, Process* by);
  void resume(Process* p);
  void wake(std::vector<Process*>& waiters);
  void begin_batch(Process* p);
  void wait_on(Process* p, std::vector<Process*>& list);
  void end_wait(Process* p, Process* cause, int64_t cause_batch, Cycles cause_time, const std::string& on);

  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::vector<std::unique_ptr<CascadeLink>> links_;
  std::vector<std::unique_ptr<Process>> processes_;
  std::map<std::string, Buffer*> buffer_index_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  uint64_t seq_ = 0;
  Cycles now_ = 0;
  int64_t batches_ = 0;
};

}  // namespace aie4ml::perf
