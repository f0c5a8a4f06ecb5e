#pragma once

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "reconcile/progress.h"

namespace kstack::cli {

/// ProgressView shows an apply as it runs. On a terminal: the ProgressBoard redrawn in place (at most ten
/// times a second, and every second for the clocks), with failures and retries printed above it and kept.
/// Elsewhere (a log, CI): one plain line per event.
class ProgressView {
 public:
  explicit ProgressView(std::FILE* out, bool live);
  ~ProgressView();
  ProgressView(const ProgressView&) = delete;
  ProgressView& operator=(const ProgressView&) = delete;

  /// The plan is known: from now on events are counted against it. Call before the first event.
  void begin(const reconcile::Plan& plan);
  void on_event(const reconcile::Event& e);
  /// Draws the board a last time (live) and stops the clock.
  void finish();

  /// The plain line for an event: "done      create  server.demo-master-1".
  static std::string line(const reconcile::Event& e);

 private:
  void draw_locked(bool force);
  void tick();

  std::FILE* out_;
  bool live_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<reconcile::ProgressBoard> board_;
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace kstack::cli
