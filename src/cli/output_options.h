#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>

namespace kstack::cli {

/// ProgressOptions are the output flags of every command that reports its steps as they run (apply, destroy).
struct ProgressOptions {
  bool plain = false;

  /// Whether to draw the live view on `out`: only on a terminal, and not with --plain.
  bool live(std::FILE* out) const;
};

/// Declares the flags of ProgressOptions on `cmd`; every command that reports progress calls it.
void add_progress_options(CLI::App& cmd, ProgressOptions& options);

/// OutputFormat is how a command prints its result: a table for people, or one JSON document (docs/cli-output.md).
enum class OutputFormat { text, json };

/// Declares `-o,--output text|json` on `cmd`; every command with a JSON form calls it.
void add_output_format_option(CLI::App& cmd, OutputFormat& format);

}  // namespace kstack::cli
