#include "cli/man_page.h"

#include <gtest/gtest.h>

#include "cli/command.h"

namespace kstack::cli {
namespace {

std::string real_page() {
  CLI::App app{"kstack builds clusters."};
  Context ctx;
  build_app(app, ctx);
  return man_page(app, "1.2.3");
}

TEST(ManPage, HasEveryVisibleCommandAndItsOptions) {
  const std::string page = real_page();
  EXPECT_TRUE(page.find(".TH KSTACK 1 \"\" \"kstack 1.2.3\"") != std::string::npos) << page;
  for (const char* section :
       {".SS kstack apply", ".SS kstack certs check", ".SS kstack completion bash", "\\fB\\-\\-plain\\fR",
        "\\fB\\-f\\fR, \\fB\\-\\-file\\fR \\fIFILE\\fR", ".SH EXIT STATUS", "\\fB\\-\\-debug\\fR"}) {
    EXPECT_NE(page.find(section), std::string::npos) << section;
  }
  EXPECT_EQ(page.find("help\\-man"), std::string::npos) << "hidden commands stay hidden";
  EXPECT_EQ(page.find("completion nodes"), std::string::npos);
}

TEST(ManPage, NoLineStartsWithAStrayControlCharacter) {
  const std::string page = real_page();
  size_t start = 0;
  while (start < page.size()) {
    const size_t end = page.find('\n', start);
    const std::string line = page.substr(start, end - start);
    if (line.starts_with(".") || line.starts_with("'")) {
      EXPECT_TRUE(line.starts_with(".TH") || line.starts_with(".SH") || line.starts_with(".SS") ||
                  line.starts_with(".TP") || line.starts_with(".\\\""))
          << line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace
}  // namespace kstack::cli
