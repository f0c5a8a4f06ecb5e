#include "openstack/image.h"

#include "openstack/json_util.h"

namespace kstack::openstack::image {

using nlohmann::json;

namespace {

Result<std::vector<Image>> list(Client& client, const std::string& path, const std::string& what) {
  auto items = client.list("image", {"image", what, ""}, path, "images");
  if (!items) return std::unexpected(items.error());
  std::vector<Image> out;
  for (const auto& j : *items) {
    out.push_back({str(j, "id"), str(j, "name"), str(j, "status"), str(j, "visibility"), str(j, "disk_format"),
                   num(j, "size"), static_cast<int>(num(j, "min_disk")), static_cast<int>(num(j, "min_ram")),
                   strings(j, "tags")});
  }
  return out;
}

}  // namespace

Result<std::vector<Image>> find_by_name(Client& client, const std::string& name) {
  return list(client, "/images" + query({{"name", name}}), "find image " + name);
}

Result<std::vector<Image>> list_images(Client& client) { return list(client, "/images", "list images"); }

}  // namespace kstack::openstack::image
