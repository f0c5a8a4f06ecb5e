#pragma once

#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::image {

/// Image is a Glance image servers boot from.
struct Image {
  std::string id;
  std::string name;
  std::string status;  // queued | saving | active | deactivated ...
  std::string visibility;
  std::string disk_format;
  long long size_bytes = 0;
  int min_disk_gb = 0;
  int min_ram_mb = 0;
  std::vector<std::string> tags;
};

/// Every image the project sees with exactly that name (Glance allows duplicates), all pages.
[[nodiscard]] Result<std::vector<Image>> find_by_name(Client& client, const std::string& name);
/// Every image the project sees.
[[nodiscard]] Result<std::vector<Image>> list_images(Client& client);

}  // namespace kstack::openstack::image
