#include "openstack/cloud_config.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kstack::openstack {
namespace {

const char* kCloudsHint =
    "name a cloud that clouds.yaml defines (--os-cloud, OS_CLOUD or the spec's `cloud`), or source an OpenRC file";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string first_existing(const std::vector<std::string>& candidates) {
  for (const auto& path : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return {};
}

// secure.yaml values win over clouds.yaml's, map by map.
void merge(YAML::Node base, const YAML::Node& over) {
  if (!over.IsMap()) return;
  for (auto it = over.begin(); it != over.end(); ++it) {
    const auto key = it->first.as<std::string>();
    if (it->second.IsMap() && base[key] && base[key].IsMap()) {
      merge(base[key], it->second);
    } else {
      base[key] = YAML::Clone(it->second);
    }
  }
}

std::string str(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap() || !node[key] || !node[key].IsScalar()) return {};
  return node[key].as<std::string>();
}

bool truthy(std::string v) {
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

Result<AuthMethod> parse_method(const std::string& type, const CloudConfig& c, const std::string& source) {
  if (type.empty()) {
    if (!c.application_credential_secret.empty()) return AuthMethod::application_credential;
    if (!c.token.empty() && c.password.empty()) return AuthMethod::token;
    return AuthMethod::password;
  }
  if (type == "password" || type == "v3password") return AuthMethod::password;
  if (type == "token" || type == "v3token") return AuthMethod::token;
  if (type == "v3applicationcredential" || type == "applicationcredential" || type == "application_credential") {
    return AuthMethod::application_credential;
  }
  return fail(fmt::format("auth_type '{}' is not supported", type), source,
              "use password, token or v3applicationcredential");
}

Result<CloudConfig> check(CloudConfig c, const std::string& source) {
  if (c.auth_url.empty()) return fail("no auth_url (OS_AUTH_URL) is set", source, kCloudsHint);
  switch (c.method) {
    case AuthMethod::password:
      if (c.username.empty() && c.user_id.empty()) return fail("password auth needs a username or user_id", source);
      if (c.password.empty()) return fail("password auth needs a password", source, "put it in secure.yaml");
      break;
    case AuthMethod::token:
      if (c.token.empty()) return fail("token auth needs a token", source);
      break;
    case AuthMethod::application_credential:
      if (c.application_credential_secret.empty()) return fail("the application credential has no secret", source);
      if (c.application_credential_id.empty() && c.application_credential_name.empty()) {
        return fail("the application credential needs an id, or a name with the user", source);
      }
      if (c.application_credential_id.empty() && c.username.empty() && c.user_id.empty()) {
        return fail("an application credential given by name needs its user (username or user_id)", source);
      }
      break;
  }
  if (c.insecure) {
    spdlog::warn(
        "WARNING: TLS certificate verification is OFF for cloud '{}' (insecure / verify: false); "
        "anyone on the path can read your credentials",
        c.name);
  }
  return c;
}

}  // namespace

Getenv process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

static std::vector<std::string> candidates(const Getenv& env, const char* override_var, const char* file) {
  std::vector<std::string> out;
  if (auto v = env(override_var); v && !v->empty()) out.push_back(*v);
  out.push_back(fmt::format("./{}", file));
  if (auto home = env("HOME"); home && !home->empty())
    out.push_back(fmt::format("{}/.config/openstack/{}", *home, file));
  out.push_back(fmt::format("/etc/openstack/{}", file));
  return out;
}

std::vector<std::string> clouds_yaml_candidates(const Getenv& env) {
  return candidates(env, "OS_CLIENT_CONFIG_FILE", "clouds.yaml");
}

std::vector<std::string> secure_yaml_candidates(const Getenv& env) {
  return candidates(env, "OS_CLIENT_SECURE_FILE", "secure.yaml");
}

Result<CloudConfig> parse_cloud(const std::string& name, const std::string& clouds_yaml, const std::string& secure_yaml,
                                const std::string& source) {
  YAML::Node entry;
  try {
    YAML::Node clouds = YAML::Load(clouds_yaml)["clouds"];
    if (!clouds || !clouds.IsMap() || !clouds[name]) {
      return fail(fmt::format("cloud '{}' is not defined", name), source, kCloudsHint);
    }
    entry = YAML::Clone(clouds[name]);
    if (!secure_yaml.empty()) {
      YAML::Node secure = YAML::Load(secure_yaml)["clouds"];
      if (secure && secure.IsMap() && secure[name]) merge(entry, secure[name]);
    }
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("cannot read clouds.yaml: {}", e.what()), source);
  }
  const YAML::Node auth = entry["auth"];
  CloudConfig c;
  c.name = name;
  c.auth_url = str(auth, "auth_url");
  c.username = str(auth, "username");
  c.user_id = str(auth, "user_id");
  c.password = str(auth, "password");
  c.user_domain_name = str(auth, "user_domain_name");
  c.user_domain_id = str(auth, "user_domain_id");
  c.project_name = str(auth, "project_name");
  if (c.project_name.empty()) c.project_name = str(auth, "tenant_name");
  c.project_id = str(auth, "project_id");
  if (c.project_id.empty()) c.project_id = str(auth, "tenant_id");
  c.project_domain_name = str(auth, "project_domain_name");
  c.project_domain_id = str(auth, "project_domain_id");
  // domain_name / domain_id in clouds.yaml are the default for both user and project domains.
  const auto domain_name = str(auth, "domain_name");
  const auto domain_id = str(auth, "domain_id");
  if (c.user_domain_name.empty() && c.user_domain_id.empty()) {
    c.user_domain_name = domain_name;
    c.user_domain_id = domain_id;
  }
  if (c.project_domain_name.empty() && c.project_domain_id.empty()) {
    c.project_domain_name = domain_name;
    c.project_domain_id = domain_id;
  }
  c.token = str(auth, "token");
  c.application_credential_id = str(auth, "application_credential_id");
  c.application_credential_name = str(auth, "application_credential_name");
  c.application_credential_secret = str(auth, "application_credential_secret");
  c.region = str(entry, "region_name");
  if (auto i = str(entry, "interface"); !i.empty()) c.interface = i;
  c.cacert = str(entry, "cacert");
  if (auto v = str(entry, "verify"); !v.empty() && !truthy(v)) c.insecure = true;
  if (auto v = str(entry, "insecure"); !v.empty() && truthy(v)) c.insecure = true;
  if (auto v = str(entry, "api_timeout"); !v.empty()) {
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), c.api_timeout_s);
    if (ec != std::errc() || end != v.data() + v.size() || c.api_timeout_s <= 0) {
      return fail(fmt::format("api_timeout is \"{}\"; it must be a whole number of seconds above 0", v),
                  fmt::format("{}: clouds.{}.api_timeout", source, name), "for example api_timeout: 60");
    }
  }
  auto method = parse_method(str(entry, "auth_type"), c, source);
  if (!method) return std::unexpected(method.error());
  c.method = *method;
  return check(std::move(c), source);
}

Result<CloudConfig> load_cloud(const std::string& name, const Getenv& env) {
  const std::string clouds_path = first_existing(clouds_yaml_candidates(env));
  if (clouds_path.empty()) {
    return fail(fmt::format("cloud '{}' was asked for, but no clouds.yaml was found", name), "",
                "put it in ./clouds.yaml or ~/.config/openstack/clouds.yaml, or point OS_CLIENT_CONFIG_FILE at it");
  }
  const std::string secure_path = first_existing(secure_yaml_candidates(env));
  return parse_cloud(name, read_file(clouds_path), secure_path.empty() ? "" : read_file(secure_path), clouds_path);
}

Result<CloudConfig> cloud_from_env(const Getenv& env) {
  auto get = [&](const char* var) { return env(var).value_or(""); };
  CloudConfig c;
  c.name = "OS_* environment";
  c.auth_url = get("OS_AUTH_URL");
  c.username = get("OS_USERNAME");
  c.user_id = get("OS_USER_ID");
  c.password = get("OS_PASSWORD");
  c.user_domain_name = get("OS_USER_DOMAIN_NAME");
  c.user_domain_id = get("OS_USER_DOMAIN_ID");
  c.project_name = get("OS_PROJECT_NAME");
  if (c.project_name.empty()) c.project_name = get("OS_TENANT_NAME");
  c.project_id = get("OS_PROJECT_ID");
  if (c.project_id.empty()) c.project_id = get("OS_TENANT_ID");
  c.project_domain_name = get("OS_PROJECT_DOMAIN_NAME");
  c.project_domain_id = get("OS_PROJECT_DOMAIN_ID");
  if (c.user_domain_name.empty() && c.user_domain_id.empty()) c.user_domain_name = get("OS_DOMAIN_NAME");
  if (c.project_domain_name.empty() && c.project_domain_id.empty()) c.project_domain_name = get("OS_DOMAIN_NAME");
  c.token = get("OS_TOKEN");
  c.application_credential_id = get("OS_APPLICATION_CREDENTIAL_ID");
  c.application_credential_name = get("OS_APPLICATION_CREDENTIAL_NAME");
  c.application_credential_secret = get("OS_APPLICATION_CREDENTIAL_SECRET");
  c.region = get("OS_REGION_NAME");
  if (auto i = get("OS_INTERFACE"); !i.empty())
    c.interface = i;
  else if (auto t = get("OS_ENDPOINT_TYPE"); !t.empty())
    c.interface = t;
  if (c.interface.ends_with("URL")) c.interface.resize(c.interface.size() - 3);  // publicURL → public
  c.cacert = get("OS_CACERT");
  c.insecure = truthy(get("OS_INSECURE"));
  auto method = parse_method(get("OS_AUTH_TYPE"), c, "environment");
  if (!method) return std::unexpected(method.error());
  c.method = *method;
  return check(std::move(c), "environment");
}

Result<CloudConfig> resolve_cloud(const std::string& requested, const Getenv& env) {
  if (!requested.empty()) return load_cloud(requested, env);
  if (auto name = env("OS_CLOUD"); name && !name->empty()) return load_cloud(*name, env);
  if (auto url = env("OS_AUTH_URL"); url && !url->empty()) return cloud_from_env(env);
  return fail("no cloud is configured", "", kCloudsHint);
}

}  // namespace kstack::openstack
