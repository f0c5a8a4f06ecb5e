#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "util/text.h"  // shell_quote, yaml_quote, base64: used beside these by every renderer

namespace kstack::bootstrap {

/// Replaces every `@KEY@` of a template with its value. Templates use @…@ so that the braces of
/// YAML, JSON and shell need no escaping.
std::string substitute(std::string_view tmpl,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> vars);

/// Renders an add-on's manifest template (src/bootstrap/templates/). Each of `scalars` sits inside a
/// double-quoted scalar of the template ("@IMAGE@", "--cluster-name=@CLUSTER@") and is escaped for it, so
/// that no value can end the string or begin YAML of its own. Each of `fragments` is inserted as it is:
/// whole lines of YAML the renderer built (an optional `hostNetwork: true`), or text in a syntax of its own
/// (the Corefile's zone, a validated DNS name).
std::string render_manifest(std::string_view tmpl,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> scalars,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> fragments = {});

/// Indents every non-empty line of `text` by `spaces`.
std::string indent(std::string_view text, int spaces);

}  // namespace kstack::bootstrap
