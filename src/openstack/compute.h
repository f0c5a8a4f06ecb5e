#pragma once

#include <map>
#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::compute {

/// Flavor is a Nova server size.
struct Flavor {
  std::string id;
  std::string name;
  int vcpus = 0;
  int ram_mb = 0;
  int disk_gb = 0;
  bool is_public = true;
};

/// Keypair is an SSH public key Nova injects into servers.
struct Keypair {
  std::string name;
  std::string fingerprint;
  std::string public_key;
  std::string type;  // ssh | x509
};

/// ServerGroup places servers apart (anti-affinity) or near (affinity) each other.
struct ServerGroup {
  std::string id;
  std::string name;
  std::string policy;  // anti-affinity | soft-anti-affinity | affinity | soft-affinity
  std::vector<std::string> members;
};

/// ServerFault is why Nova put a server into ERROR.
struct ServerFault {
  int code = 0;
  std::string message;
  std::string details;
};

/// Server is a Nova server as kstack observes it.
struct Server {
  std::string id;
  std::string name;
  std::string status;  // BUILD | ACTIVE | ERROR | SHUTOFF | DELETED ...
  std::string task_state;
  std::vector<std::string> tags;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::vector<std::string>> addresses;  // network name → IPs
  std::string flavor_name;
  std::string image_id;
  std::string key_name;
  std::vector<std::string> volume_ids;  // attached volumes
  ServerFault fault;                    // code 0 when there is none
};

/// BlockDevice maps a volume (or an image) to a server at boot (block_device_mapping_v2).
struct BlockDevice {
  std::string source_type = "volume";  // volume | image | blank
  std::string destination_type = "volume";
  std::string uuid;
  int boot_index = -1;  // -1: not bootable; 0: the root disk
  int volume_size_gb = 0;
  bool delete_on_termination = false;
};

/// ServerCreate is what kstack sends to boot a server.
struct ServerCreate {
  std::string name;
  std::string flavor_id;
  std::string image_id;  // empty when booting from a volume
  std::string key_name;
  std::vector<std::string> port_ids;  // pre-made Neutron ports, in NIC order
  std::vector<BlockDevice> block_devices;
  std::string user_data;  // raw cloud-init; base64-encoded here
  std::map<std::string, std::string> metadata;
  std::vector<std::string> tags;
  std::string server_group_id;  // scheduler hint `group`
  std::string availability_zone;
};

/// ServerFilter narrows a server listing; every field is optional.
struct ServerFilter {
  std::vector<std::string> tags;  // servers carrying all of these
  std::string name;               // a regular expression, as Nova takes it
};

/// AbsoluteLimits is the project's compute quota and use.
struct AbsoluteLimits {
  int max_instances = 0, used_instances = 0;
  int max_cores = 0, used_cores = 0;
  int max_ram_mb = 0, used_ram_mb = 0;
  int max_keypairs = 0;
  int max_server_groups = 0, used_server_groups = 0;
  int max_server_group_members = 0;
};

[[nodiscard]] Result<std::vector<Flavor>> list_flavors(Client& client);

[[nodiscard]] Result<std::vector<Keypair>> list_keypairs(Client& client);
[[nodiscard]] Result<Keypair> get_keypair(Client& client, const std::string& name);
/// Imports a public key under a name.
[[nodiscard]] Result<Keypair> import_keypair(Client& client, const std::string& name, const std::string& public_key);
[[nodiscard]] Result<void> delete_keypair(Client& client, const std::string& name);

[[nodiscard]] Result<ServerGroup> create_server_group(Client& client, const std::string& name,
                                                      const std::string& policy);
[[nodiscard]] Result<std::vector<ServerGroup>> list_server_groups(Client& client);
[[nodiscard]] Result<void> delete_server_group(Client& client, const std::string& id);

[[nodiscard]] Result<Server> create_server(Client& client, const ServerCreate& request);
[[nodiscard]] Result<std::vector<Server>> list_servers(Client& client, const ServerFilter& filter = {});
[[nodiscard]] Result<Server> get_server(Client& client, const std::string& id);
[[nodiscard]] Result<void> delete_server(Client& client, const std::string& id);
/// The last `lines` lines of the server's console log (0: all of it).
[[nodiscard]] Result<std::string> console_output(Client& client, const std::string& id, int lines = 0);

[[nodiscard]] Result<AbsoluteLimits> limits(Client& client);

/// The JSON body of POST /servers (exposed for tests).
nlohmann::json server_create_body(const ServerCreate& request);
/// Reads one server out of Nova's JSON.
Server parse_server(const nlohmann::json& j);

}  // namespace kstack::openstack::compute
