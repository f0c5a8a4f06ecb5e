#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace kstack::openstack {

/// AuthMethod is how kstack proves who it is to Keystone v3.
enum class AuthMethod { password, token, application_credential };

/// CloudConfig is one cloud's credentials and endpoint choices, from clouds.yaml (+ secure.yaml) or OS_*.
struct CloudConfig {
  std::string name;  // the clouds.yaml entry, or "OS_* environment"
  AuthMethod method = AuthMethod::password;
  std::string auth_url;  // Keystone, with or without /v3
  std::string username, user_id, password;
  std::string user_domain_name, user_domain_id;
  std::string project_name, project_id;
  std::string project_domain_name, project_domain_id;
  std::string token;
  std::string application_credential_id, application_credential_name, application_credential_secret;
  std::string region;
  std::string interface = "public";  // public | internal | admin
  std::string cacert;
  bool insecure = false;
  int api_timeout_s = 0;  // api_timeout: how long one API request may take; 0: kstack's default
};

/// Reads an environment variable; a seam so that tests need not touch the real environment.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
Getenv process_env();

/// Where clouds.yaml is looked for, in order: $OS_CLIENT_CONFIG_FILE, ./clouds.yaml,
/// ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml. The same for secure.yaml with
/// $OS_CLIENT_SECURE_FILE.
std::vector<std::string> clouds_yaml_candidates(const Getenv& env);
std::vector<std::string> secure_yaml_candidates(const Getenv& env);

/// Loads the named cloud from the first clouds.yaml found, with the same entry of secure.yaml merged in.
[[nodiscard]] Result<CloudConfig> load_cloud(const std::string& name, const Getenv& env = process_env());

/// Loads the cloud from YAML text (for tests and for load_cloud); secure_yaml may be empty.
[[nodiscard]] Result<CloudConfig> parse_cloud(const std::string& name, const std::string& clouds_yaml,
                                              const std::string& secure_yaml, const std::string& source);

/// Builds the cloud from the OS_* variables of an OpenRC v3 file.
[[nodiscard]] Result<CloudConfig> cloud_from_env(const Getenv& env = process_env());

/// The cloud to use: `requested` (the spec's cloud or --os-cloud) if given, else $OS_CLOUD, else OS_*.
[[nodiscard]] Result<CloudConfig> resolve_cloud(const std::string& requested, const Getenv& env = process_env());

}  // namespace kstack::openstack
