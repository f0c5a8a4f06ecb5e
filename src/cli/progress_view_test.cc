#include "cli/progress_view.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace kstack::cli {
namespace {

/// CapturedFile is a memory-backed FILE* whose text a test can read.
class CapturedFile {
 public:
  CapturedFile() : file_(open_memstream(&data_, &size_)) {}
  ~CapturedFile() {
    std::fclose(file_);
    std::free(data_);
  }
  std::FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

reconcile::Plan two_servers() {
  reconcile::Plan p;
  p.actions.push_back({.op = reconcile::Op::create, .key = {reconcile::Kind::server, "demo-master-1"}});
  p.actions.push_back({.op = reconcile::Op::create, .key = {reconcile::Kind::server, "demo-master-2"}});
  return p;
}

TEST(ProgressView, NotATerminalGivesOnePlainLinePerEvent) {
  CapturedFile out;
  {
    ProgressView view(out.get(), /*live=*/false);
    view.begin(two_servers());
    view.on_event(
        {.type = reconcile::Event::Type::started, .key = {reconcile::Kind::server, "demo-master-1"}, .verb = "create"});
    view.on_event({.type = reconcile::Event::Type::failed,
                   .key = {reconcile::Kind::server, "demo-master-1"},
                   .verb = "create",
                   .detail = "No valid host"});
  }
  EXPECT_EQ(out.text(),
            "started   create  server.demo-master-1\n"
            "FAILED    create  server.demo-master-1: No valid host\n");
}

TEST(ProgressView, OnATerminalRedrawsTheBoardInPlaceAndKeepsFailures) {
  CapturedFile out;
  {
    ProgressView view(out.get(), /*live=*/true);
    view.begin(two_servers());
    view.on_event(
        {.type = reconcile::Event::Type::started, .key = {reconcile::Kind::server, "demo-master-1"}, .verb = "create"});
    view.on_event({.type = reconcile::Event::Type::failed,
                   .key = {reconcile::Kind::server, "demo-master-1"},
                   .verb = "create",
                   .detail = "No valid host"});
    view.finish();
  }
  const std::string text = out.text();
  EXPECT_NE(text.find("\x1b[2A\x1b[J"), std::string::npos) << "moves up over the two board lines";
  EXPECT_NE(text.find("FAILED    create  server.demo-master-1: No valid host\n"), std::string::npos) << text;
  const auto last_board = text.rfind("server");
  ASSERT_NE(last_board, std::string::npos);
  EXPECT_GT(last_board, text.find("No valid host")) << "the board is drawn below the kept line";
  EXPECT_NE(text.find("1 failed"), std::string::npos) << text;
}

}  // namespace
}  // namespace kstack::cli
