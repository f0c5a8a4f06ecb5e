#include "spec/cluster_spec.h"

namespace kstack::spec {

std::string MirrorSpec::image_registry() const {
  std::string_view registry = images;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (registry.starts_with(scheme)) registry.remove_prefix(scheme.size());
  }
  while (!registry.empty() && registry.back() == '/') registry.remove_suffix(1);
  return std::string(registry);
}

std::string_view MirrorSpec::sha256(const Download& download) const {
  if (checksums.empty()) return download.sha256;
  auto listed = checksum_list.sha256.find(mirror_path(download.url));
  return listed == checksum_list.sha256.end() ? std::string_view{} : std::string_view(listed->second);
}

}  // namespace kstack::spec
