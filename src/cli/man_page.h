#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace kstack::cli {

/// The kstack(1) manual page in roff, written from the parser itself (the same text --help shows): every
/// visible command with its options, and the exit codes. `version` goes in the page's header.
std::string man_page(const CLI::App& root, std::string_view version);

}  // namespace kstack::cli
