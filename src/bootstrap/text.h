#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace kstack::bootstrap {

/// Replaces every `@KEY@` of a template with its value. Templates use @…@ so that the braces of
/// YAML, JSON and shell need no escaping.
std::string substitute(std::string_view tmpl,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> vars);

/// Indents every non-empty line of `text` by `spaces`.
std::string indent(std::string_view text, int spaces);

/// A single-quoted shell word: safe for any value.
std::string shell_quote(std::string_view value);

/// A double-quoted YAML/JSON string.
std::string yaml_quote(std::string_view value);

/// Standard base64 without line breaks.
std::string base64(std::string_view data);

}  // namespace kstack::bootstrap
