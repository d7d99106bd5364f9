// The event-driven engine (sim/perf_events.h) on hand-built process networks whose timing follows from
// first principles: a pipeline's interval is its slowest stage, one buffer copy serialises the stages,
// releases in flight delay the reader, cascade partners meet at the later arrival, deadlock is reported.
#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/perf_events.h"

namespace aie4ml::perf {
namespace {

Step busy(Cycles c) {
  Step s;
  s.kind = Step::Kind::Busy;
  s.cycles = c;
  return s;
}
Step on(Step::Kind k, Buffer* b, Cycles later = 0) {
  Step s;
  s.kind = k;
  s.buffer = b;
  s.cycles = later;
  return s;
}
Step link(Step::Kind k, CascadeLink* l, int64_t token) {
  Step s;
  s.kind = k;
  s.link = l;
  s.token = token;
  return s;
}

// producer (busy p) -> buffer with `copies` -> consumer (busy c); returns the consumer's batch ends.
std::vector<Cycles> two_stage(Cycles p, Cycles c, int copies, int batches, Cycles flight = 0) {
  Engine e;
  Buffer& b = e.add_buffer("b", copies);
  b.add_writer();
  b.add_reader();
  e.add_process("producer", Process::Kind::Kernel, [&, p, flight](int64_t) {
    return std::vector<Step>{on(Step::Kind::AcquireWrite, &b), busy(p), on(Step::Kind::ReleaseWrite, &b, flight)};
  });
  auto& consumer = e.add_process("consumer", Process::Kind::Kernel, [&, c](int64_t) {
    return std::vector<Step>{on(Step::Kind::AcquireRead, &b), busy(c), on(Step::Kind::ReleaseRead, &b)};
  });
  e.run(batches);
  std::vector<Cycles> ends;
  for (auto& r : consumer.records()) ends.push_back(r.end);
  return ends;
}

TEST(Engine, SingleProcessRunsBatchesBackToBack) {
  Engine e;
  auto& p = e.add_process("k", Process::Kind::Kernel, [](int64_t) { return std::vector<Step>{busy(100)}; });
  EXPECT_DOUBLE_EQ(e.run(3), 300);
  ASSERT_EQ(p.records().size(), 3u);
  EXPECT_DOUBLE_EQ(p.records()[0].end, 100);
  EXPECT_DOUBLE_EQ(p.records()[2].end, 300);
  EXPECT_DOUBLE_EQ(p.records()[1].busy, 100);
}

TEST(Engine, FirstBatchLatencyIsTheSumOfStages) { EXPECT_DOUBLE_EQ(two_stage(100, 300, 2, 1).front(), 400); }

TEST(Engine, PipelineIntervalIsTheSlowestStage) {
  for (auto [p, c] : {std::pair{100.0, 300.0}, std::pair{300.0, 100.0}}) {
    const auto ends = two_stage(p, c, 2, 10);
    EXPECT_DOUBLE_EQ(ends[9] - ends[8], 300) << p << " -> " << c;
    EXPECT_DOUBLE_EQ((ends[9] - ends[4]) / 5, 300) << p << " -> " << c;
  }
}

TEST(Engine, OneCopySerialisesTheStages) {
  const auto ends = two_stage(100, 300, 1, 10);
  EXPECT_DOUBLE_EQ(ends[9] - ends[8], 400);
}

TEST(Engine, ReleaseInFlightDelaysTheReaderOnly) {
  const auto ends = two_stage(100, 300, 2, 10, 20);
  EXPECT_DOUBLE_EQ(ends[0], 420);
  EXPECT_DOUBLE_EQ(ends[9] - ends[8], 300);  // the flight overlaps the consumer's work
}

TEST(Engine, BufferWaitsForAllWritersAndReaders) {
  Engine e;
  Buffer& b = e.add_buffer("b", 2);
  for (Cycles w : {50.0, 80.0}) {
    b.add_writer();
    e.add_process("w" + std::to_string(int(w)), Process::Kind::Dma, [&, w](int64_t) {
      return std::vector<Step>{on(Step::Kind::AcquireWrite, &b), busy(w), on(Step::Kind::ReleaseWrite, &b)};
    });
  }
  b.add_reader();
  auto& r = e.add_process("r", Process::Kind::Dma, [&](int64_t) {
    return std::vector<Step>{on(Step::Kind::AcquireRead, &b), busy(10), on(Step::Kind::ReleaseRead, &b)};
  });
  e.run(1);
  EXPECT_DOUBLE_EQ(r.records()[0].end, 90);
  ASSERT_EQ(r.records()[0].waits.size(), 1u);
  EXPECT_EQ(r.records()[0].waits[0].cause->name(), "w80");  // the later writer is the cause
}

TEST(Engine, CascadePartnersMeetAtTheLaterArrival) {
  for (auto starts : {std::pair{50.0, 0.0}, std::pair{0.0, 100.0}}) {
    // Plain variables, not a structured binding: clang before 16 cannot capture those in a lambda.
    const double producer_first = starts.first, consumer_first = starts.second;
    Engine e;
    CascadeLink& l = e.add_link("p->c", 5);
    auto& p = e.add_process("p", Process::Kind::Kernel, [&, producer_first](int64_t b) {
      return std::vector<Step>{busy(producer_first + 1), link(Step::Kind::Send, &l, b), busy(10)};
    });
    auto& c = e.add_process("c", Process::Kind::Kernel, [&, consumer_first](int64_t b) {
      return std::vector<Step>{busy(consumer_first + 1), link(Step::Kind::Receive, &l, b), busy(30)};
    });
    e.run(1);
    const Cycles meet = std::max(producer_first, consumer_first) + 1;
    EXPECT_DOUBLE_EQ(p.records()[0].end, meet + 10);
    EXPECT_DOUBLE_EQ(c.records()[0].end, meet + 5 + 30);
  }
}

TEST(Engine, DeadlockIsReported) {
  Engine e;
  Buffer& b = e.add_buffer("never_written", 2);
  b.add_writer();
  b.add_reader();
  e.add_process("reader", Process::Kind::Kernel, [&](int64_t) {
    return std::vector<Step>{on(Step::Kind::AcquireRead, &b), busy(1), on(Step::Kind::ReleaseRead, &b)};
  });
  EXPECT_THROW(e.run(1), std::logic_error);
}

TEST(Engine, MarksRecordTimesWithOffsets) {
  Engine e;
  Step mark;
  mark.kind = Step::Kind::Mark;
  mark.mark = "first_word";
  mark.cycles = 7;
  auto& p = e.add_process("plio", Process::Kind::PlioOut, [&](int64_t) {
    return std::vector<Step>{busy(3), mark, busy(4)};
  });
  e.run(2);
  EXPECT_DOUBLE_EQ(p.records()[0].marks.at("first_word"), 10);
  EXPECT_DOUBLE_EQ(p.records()[1].marks.at("first_word"), 17);
}

}  // namespace
}  // namespace aie4ml::perf
