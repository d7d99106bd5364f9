// The performance model's event-driven engine (see perf_events.h).
#include "sim/perf_events.h"

#include <fmt/format.h>

#include <stdexcept>

namespace aie4ml::perf {

// ---- Buffer ----

bool Buffer::can_write(int64_t batch) const {
  if (batch < copies_) return true;
  auto it = reads_.find(batch - copies_);
  return it != reads_.end() && it->second >= readers_;
}

bool Buffer::can_read(int64_t batch) const {
  auto it = writes_.find(batch);
  return it != writes_.end() && it->second >= writers_;
}

bool Buffer::release_write(int64_t batch, Process* by, Cycles issued) {
  if (++writes_[batch] < writers_) return false;
  written_[batch] = {by, issued};
  return true;
}

bool Buffer::release_read(int64_t batch, Process* by, Cycles issued) {
  if (++reads_[batch] < readers_) return false;
  read_[batch] = {by, issued};
  return true;
}

Buffer::Completion Buffer::written(int64_t batch) const {
  auto it = written_.find(batch);
  return it == written_.end() ? Completion{} : it->second;
}

Buffer::Completion Buffer::read(int64_t batch) const {
  auto it = read_.find(batch);
  return it == read_.end() ? Completion{} : it->second;
}

// ---- Engine ----

Buffer& Engine::add_buffer(const std::string& name, int copies) {
  if (buffer_index_.count(name)) throw std::logic_error(fmt::format("perf engine: buffer '{}' added twice", name));
  buffers_.push_back(std::make_unique<Buffer>(name, copies));
  buffer_index_[name] = buffers_.back().get();
  return *buffers_.back();
}

Buffer* Engine::buffer(const std::string& name) {
  auto it = buffer_index_.find(name);
  return it == buffer_index_.end() ? nullptr : it->second;
}

CascadeLink& Engine::add_link(const std::string& name, Cycles link_cycles) {
  links_.push_back(std::make_unique<CascadeLink>(name, link_cycles));
  return *links_.back();
}

Process& Engine::add_process(const std::string& name, Process::Kind kind, Process::Program program) {
  processes_.push_back(std::make_unique<Process>(name, kind, std::move(program)));
  return *processes_.back();
}

const Process* Engine::process(const std::string& name) const {
  for (auto& p : processes_)
    if (p->name() == name) return p.get();
  return nullptr;
}

void Engine::schedule(Cycles t, Process* p) { queue_.push(Event{t, seq_++, p}); }

void Engine::schedule_release(Cycles t, Buffer* b, bool write, int64_t batch, Process* by) {
  queue_.push(Event{t, seq_++, nullptr, b, write, batch, by, now_});
}

void Engine::wake(std::vector<Process*>& waiters) {
  auto list = std::move(waiters);
  waiters.clear();
  for (auto* p : list) schedule(now_, p);
}

void Engine::wait_on(Process* p, std::vector<Process*>& list) {
  if (!p->waiting_) {
    p->waiting_ = true;
    p->wait_began_ = now_;
  }
  list.push_back(p);
}

void Engine::end_wait(Process* p, Process* cause, int64_t cause_batch, Cycles cause_time, const std::string& on) {
  if (!p->waiting_) return;
  p->waiting_ = false;
  p->records_[p->batch_].waits.push_back({p->wait_began_, now_, cause, cause_batch, cause_time, on});
}

void Engine::begin_batch(Process* p) {
  p->steps_ = p->program_(p->batch_);
  p->pc_ = 0;
  p->records_.emplace_back();
  p->records_.back().start = now_;
}

void Engine::resume(Process* p) {
  while (!p->finished_) {
    if (p->pc_ == p->steps_.size()) {
      p->records_[p->batch_].end = now_;
      if (++p->batch_ >= batches_) {
        p->finished_ = true;
        return;
      }
      begin_batch(p);
      continue;
    }
    const Step& s = p->steps_[p->pc_];
    const int64_t b = p->batch_;
    auto& rec = p->records_[b];
    switch (s.kind) {
      case Step::Kind::AcquireWrite:
        if (!s.buffer->can_write(b)) return wait_on(p, s.buffer->waiters);
        if (p->waiting_) {
          const auto c = s.buffer->read(b - s.buffer->copies());
          end_wait(p, c.by, b - s.buffer->copies(), c.issued, s.buffer->name());
        }
        break;
      case Step::Kind::AcquireRead:
        if (!s.buffer->can_read(b)) return wait_on(p, s.buffer->waiters);
        if (p->waiting_) {
          const auto c = s.buffer->written(b);
          end_wait(p, c.by, b, c.issued, s.buffer->name());
        }
        break;
      case Step::Kind::ReleaseWrite:
      case Step::Kind::ReleaseRead: {
        const bool write = s.kind == Step::Kind::ReleaseWrite;
        if (s.cycles > 0) {
          schedule_release(now_ + s.cycles, s.buffer, write, b, p);
        } else if (write ? s.buffer->release_write(b, p, now_) : s.buffer->release_read(b, p, now_)) {
          wake(s.buffer->waiters);
        }
        break;
      }
      case Step::Kind::Busy:
        rec.busy += s.cycles;
        rec.busy_by_label.emplace_back(s.mark, s.cycles);
        ++p->pc_;
        if (s.cycles > 0) return schedule(now_ + s.cycles, p);
        continue;
      case Step::Kind::Send: {
        auto& l = *s.link;
        if (p->cascade_time_ >= 0) {  // the consumer arrived while we waited
          end_wait(p, p->cascade_cause_, b, p->cascade_time_, l.name());
          p->cascade_time_ = -1;
          break;
        }
        if (l.consumer_waiting && l.consumer_token == s.token) {
          Process* c = l.consumer_waiting;
          l.consumer_waiting = nullptr;
          c->cascade_time_ = now_;
          c->cascade_cause_ = p;
          schedule(now_ + l.link_cycles(), c);
          break;
        }
        l.producer_waiting = p;
        l.producer_token = s.token;
        if (!p->waiting_) {
          p->waiting_ = true;
          p->wait_began_ = now_;
        }
        return;
      }
      case Step::Kind::Receive: {
        auto& l = *s.link;
        if (p->cascade_time_ >= 0) {  // the rendezvous happened; we resume link_cycles after it
          end_wait(p, p->cascade_cause_, b, p->cascade_time_, l.name());
          p->cascade_time_ = -1;
          break;
        }
        if (l.producer_waiting && l.producer_token == s.token) {
          Process* q = l.producer_waiting;
          l.producer_waiting = nullptr;
          q->cascade_time_ = now_;
          q->cascade_cause_ = p;
          schedule(now_, q);
          // The producer was there first: only the link's own latency delays us (we caused the wait).
          p->cascade_time_ = now_;
          p->cascade_cause_ = p;
          if (!p->waiting_) {
            p->waiting_ = true;
            p->wait_began_ = now_;
          }
          return schedule(now_ + l.link_cycles(), p);
        }
        l.consumer_waiting = p;
        l.consumer_token = s.token;
        if (!p->waiting_) {
          p->waiting_ = true;
          p->wait_began_ = now_;
        }
        return;
      }
      case Step::Kind::Mark:
        rec.marks[s.mark] = now_ + s.cycles;
        break;
    }
    ++p->pc_;
  }
}

Cycles Engine::run(int64_t batches) {
  batches_ = batches;
  now_ = 0;
  for (auto& p : processes_) {
    begin_batch(p.get());
    schedule(0, p.get());
  }
  while (!queue_.empty()) {
    const Event e = queue_.top();
    queue_.pop();
    now_ = e.time;
    if (e.buffer) {
      if (e.write ? e.buffer->release_write(e.batch, e.by, e.issued) : e.buffer->release_read(e.batch, e.by, e.issued))
        wake(e.buffer->waiters);
      continue;
    }
    resume(e.process);
  }
  std::string stuck;
  for (auto& p : processes_)
    if (!p->finished_)
      stuck += fmt::format("{}{} (batch {}, step {})", stuck.empty() ? "" : ", ", p->name(), p->batch_, p->pc_);
  if (!stuck.empty()) throw std::logic_error("perf engine: deadlock; waiting: " + stuck);
  return now_;
}

}  // namespace aie4ml::perf
