#pragma once

#include <map>
#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::blockstorage {

/// Volume is a Cinder volume: a node's data disk, or a PersistentVolume the CSI driver made.
struct Volume {
  std::string id;
  std::string name;
  std::string status;  // creating | available | in-use | deleting | error ...
  int size_gb = 0;
  std::string volume_type;
  std::string availability_zone;
  bool bootable = false;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> attached_server_ids;
};

/// VolumeCreate is what kstack sends to make a volume.
struct VolumeCreate {
  std::string name;
  int size_gb = 0;
  std::string volume_type;  // empty: the cloud's default
  std::string availability_zone;
  std::string description;
  std::map<std::string, std::string> metadata;  // carries the cluster's ownership mark
};

/// VolumeType is a Cinder storage class.
struct VolumeType {
  std::string id;
  std::string name;
  bool is_public = true;
};

/// VolumeFilter narrows a volume listing; empty fields do not filter.
struct VolumeFilter {
  std::string name;
  std::map<std::string, std::string> metadata;  // volumes whose metadata holds all of these
};

/// QuotaUsage is one Cinder quota with what is in use (-1 limit: unlimited).
struct QuotaUsage {
  int limit = 0;
  int in_use = 0;
  int reserved = 0;
};

/// Limits is the project's block-storage quota and use as /limits reports it.
struct Limits {
  int max_volumes = 0, used_volumes = 0;
  int max_gigabytes = 0, used_gigabytes = 0;
  int max_snapshots = 0, used_snapshots = 0;
};

[[nodiscard]] Result<Volume> create_volume(Client& client, const VolumeCreate& request);
[[nodiscard]] Result<std::vector<Volume>> list_volumes(Client& client, const VolumeFilter& filter = {});
[[nodiscard]] Result<Volume> get_volume(Client& client, const std::string& id);
[[nodiscard]] Result<void> delete_volume(Client& client, const std::string& id);
[[nodiscard]] Result<std::vector<VolumeType>> list_volume_types(Client& client);
[[nodiscard]] Result<Limits> limits(Client& client);
/// The project's quotas with use, by resource (volumes, gigabytes, snapshots, per-type entries ...).
[[nodiscard]] Result<std::map<std::string, QuotaUsage>> quota_usage(Client& client, const std::string& project_id);

}  // namespace kstack::openstack::blockstorage
