#include "bootstrap/text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>
#include <string>

#include "bootstrap/templates.h"

namespace kstack::bootstrap {
namespace {

TEST(Text, SubstituteReplacesEveryKnownPlaceholderAndKeepsOtherAts) {
  EXPECT_EQ(substitute("a @X@ b @Y@ @X@", {{"X", "1"}, {"Y", "2"}}), "a 1 b 2 1");
  EXPECT_EQ(substitute("mail root@example.org @X@", {{"X", "v"}}), "mail root@example.org v");
  EXPECT_EQ(substitute("no placeholders", {}), "no placeholders");
  EXPECT_EQ(substitute("@UNKNOWN@ stays", {{"X", "v"}}), "@UNKNOWN@ stays");
}

TEST(Text, ManifestScalarsAreEscapedFragmentsInsertedAsTheyAre) {
  const std::string tmpl = "name: \"@NAME@\"\nargs:\n  - \"--cluster-name=@NAME@\"\n@EXTRA@";
  const std::string hostile = "demo\"\nkind: Secret\\";
  const std::string out = render_manifest(tmpl, {{"NAME", hostile}}, {{"EXTRA", "hostNetwork: true\n"}});
  EXPECT_EQ(out,
            "name: \"demo\\\"\\nkind: Secret\\\\\"\nargs:\n  - \"--cluster-name=demo\\\"\\nkind: Secret\\\\\"\n"
            "hostNetwork: true\n");
  // The value stays one string: it neither ends the scalar nor adds a key.
  const YAML::Node doc = YAML::Load(out);
  EXPECT_EQ(doc["name"].as<std::string>(), hostile);
  EXPECT_EQ(doc["args"][0].as<std::string>(), "--cluster-name=" + hostile);
  EXPECT_FALSE(doc["kind"]);
  EXPECT_TRUE(doc["hostNetwork"].as<bool>());
}

// Every placeholder of every add-on template sits inside a double-quoted scalar, so that render_manifest
// escapes it, except the fragments the renderers build: whole lines at the start of a line, and the
// Corefile's zone.
TEST(Text, EveryTemplatePlaceholderIsQuotedOrAFragment) {
  const std::set<std::string> line_fragments = {
      "CONNTRACK",       "REPLICAS",         "HOST_NETWORK",      "HOST_PORT_HTTP",
      "HOST_PORT_HTTPS", "EXTERNAL_SERVICE", "PUBLISHED_SERVICE", "DATA"};
  const std::regex placeholder("@([A-Z0-9_]+)@");
  int scalars = 0;
  ASSERT_GE(std::size(templates::all), 12u);
  for (const auto& [file, text] : templates::all) {
    std::string body(text);
    size_t start = 0;
    for (int line_no = 1; start <= body.size(); ++line_no) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      const std::string line = body.substr(start, end - start);
      for (std::sregex_iterator it(line.begin(), line.end(), placeholder), last; it != last; ++it) {
        const std::string name = (*it)[1];
        const auto at = static_cast<size_t>(it->position());
        const std::string where = std::string(file) + ":" + std::to_string(line_no) + ": @" + name + "@";
        if (line_fragments.contains(name)) {
          EXPECT_EQ(at, 0u) << where << " is a fragment: it must begin its line";
        } else if (name == "DOMAIN") {
          EXPECT_EQ(file, "coredns.yaml") << where;
        } else {
          const auto quotes = std::count(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(at), '"');
          EXPECT_EQ(quotes % 2, 1) << where << " is not inside a double-quoted scalar";
          ++scalars;
        }
      }
      start = end + 1;
    }
  }
  EXPECT_GT(scalars, 20);
}

TEST(Text, IndentSkipsEmptyLines) { EXPECT_EQ(indent("a\n\nb\n", 2), "  a\n\n  b\n"); }

}  // namespace
}  // namespace kstack::bootstrap
