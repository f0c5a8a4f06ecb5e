// Fuzz target for the cluster spec parser: any input must give a spec or errors, never a crash, a hang
// or undefined behaviour; and a spec that parses must render to YAML that parses back to the same spec.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "spec/load.h"
#include "spec/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto spec = kstack::spec::parse(yaml, "fuzz.yaml");
  if (!spec) {
    if (spec.error().empty()) std::abort();  // a failure must say why
    for (const auto& e : spec.error()) {
      if (e.what.empty() || !e.where.starts_with("fuzz.yaml")) std::abort();
    }
    return 0;
  }
  std::string rendered = kstack::spec::render_spec(*spec);
  auto again = kstack::spec::parse(rendered, "rendered.yaml");
  if (!again || kstack::spec::render_spec(*again) != rendered) std::abort();
  return 0;
}
