#include "cli/output_options.h"

#include <unistd.h>

#include <map>
#include <string>

namespace kstack::cli {

bool ProgressOptions::live(std::FILE* out) const { return !plain && ::isatty(::fileno(out)); }

void add_progress_options(CLI::App& cmd, ProgressOptions& options) {
  cmd.add_flag("--plain", options.plain,
               "A log line per step even on a terminal (default there: a live view; elsewhere always lines)");
}

void add_output_format_option(CLI::App& cmd, OutputFormat& format) {
  const std::map<std::string, OutputFormat> names{{"text", OutputFormat::text}, {"json", OutputFormat::json}};
  // The type name is what --help shows and what completion offers; the transformer's own text would repeat it.
  cmd.add_option("-o,--output", format, "text (a table) or json (docs/cli-output.md)")
      ->transform(CLI::CheckedTransformer(names).description(""))
      ->type_name("text|json");
}

}  // namespace kstack::cli
