#include "cli/progress_view.h"

#include <fmt/format.h>

namespace kstack::cli {

ProgressView::ProgressView(std::FILE* out, bool live) : out_(out), live_(live) {}

ProgressView::~ProgressView() { finish(); }

void ProgressView::begin(const reconcile::Plan& plan) {
  std::lock_guard lock(mu_);
  board_.emplace(plan);
  if (live_ && !ticker_.joinable()) ticker_ = std::thread([this] { tick(); });
}

std::string ProgressView::line(const reconcile::Event& e) {
  using T = reconcile::Event::Type;
  const char* what = e.type == T::started    ? "started"
                     : e.type == T::waiting  ? "waiting"
                     : e.type == T::done     ? "done"
                     : e.type == T::failed   ? "FAILED"
                     : e.type == T::retrying ? "retrying"
                                             : "skipped";
  return fmt::format("{:<9} {:<7} {}{}", what, e.verb, e.key.to_string(), e.detail.empty() ? "" : ": " + e.detail);
}

void ProgressView::on_event(const reconcile::Event& e) {
  std::lock_guard lock(mu_);
  if (board_) board_->on_event(e);
  if (!live_ || !board_) {
    fmt::print(out_, "{}\n", line(e));
    std::fflush(out_);
    return;
  }
  using T = reconcile::Event::Type;
  if (e.type == T::failed || e.type == T::retrying) {
    // Kept above the board: erase the board, print the line, draw the board again below it.
    if (drawn_lines_ > 0) fmt::print(out_, "\x1b[{}A\x1b[J", drawn_lines_);
    drawn_lines_ = 0;
    fmt::print(out_, "{}\n", line(e));
    draw_locked(true);
    return;
  }
  draw_locked(false);
}

void ProgressView::draw_locked(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::string text = board_->render(now);
  if (drawn_lines_ > 0) fmt::print(out_, "\x1b[{}A\x1b[J", drawn_lines_);
  fmt::print(out_, "{}", text);
  std::fflush(out_);
  drawn_lines_ = board_->lines();
}

void ProgressView::tick() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(1));
    if (!stopping_ && board_) draw_locked(true);
  }
}

void ProgressView::finish() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (live_ && board_) draw_locked(true);
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace kstack::cli
