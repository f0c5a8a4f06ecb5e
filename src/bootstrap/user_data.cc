#include "bootstrap/user_data.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <memory>

namespace kstack::bootstrap {
namespace {

/// ZStream owns a zlib deflate stream.
struct ZStream {
  z_stream stream{};
  bool initialised = false;
  ~ZStream() {
    if (initialised) deflateEnd(&stream);
  }
};

}  // namespace

std::string cloud_config(const CloudConfigInputs& inputs, const std::vector<NodeFile>& files) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  out << YAML::Key << "hostname" << YAML::Value << inputs.hostname;
  out << YAML::Key << "preserve_hostname" << YAML::Value << false;
  out << YAML::Key << "prefer_fqdn_over_hostname" << YAML::Value << false;
  out << YAML::Key << "manage_etc_hosts" << YAML::Value << true;
  out << YAML::Key << "ssh_pwauth" << YAML::Value << false;
  out << YAML::Key << "disable_root" << YAML::Value << true;
  if (!inputs.ssh_public_key.empty()) {
    out << YAML::Key << "ssh_authorized_keys" << YAML::Value << YAML::BeginSeq << inputs.ssh_public_key << YAML::EndSeq;
  }
  out << YAML::Key << "write_files" << YAML::Value << YAML::BeginSeq;
  for (const auto& file : files) {
    out << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << file.path;
    out << YAML::Key << "owner" << YAML::Value << "root:root";
    out << YAML::Key << "permissions" << YAML::Value << YAML::DoubleQuoted << fmt::format("0{:o}", file.mode);
    out << YAML::Key << "content" << YAML::Value << YAML::Literal << file.content;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  // The unit, not cloud-init, runs the bootstrap: it retries a failed step and runs again at every boot.
  out << YAML::Key << "runcmd" << YAML::Value << YAML::BeginSeq;
  out << YAML::Flow << YAML::BeginSeq << "systemctl"
      << "daemon-reload" << YAML::EndSeq;
  out << YAML::Flow << YAML::BeginSeq << "systemctl"
      << "enable"
      << "--now"
      << "--no-block" << inputs.start_unit << YAML::EndSeq;
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return "#cloud-config\n" + std::string(out.c_str()) + "\n";
}

Result<std::string> gzip(std::string_view data) {
  ZStream z;
  // windowBits 15 + 16: a gzip wrapper; its header carries mtime 0 and no name.
  if (deflateInit2(&z.stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return fail("cannot initialise gzip compression");
  }
  z.initialised = true;
  std::string out(deflateBound(&z.stream, data.size()) + 32, '\0');
  z.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.stream.avail_in = static_cast<uInt>(data.size());
  z.stream.next_out = reinterpret_cast<Bytef*>(out.data());
  z.stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z.stream, Z_FINISH) != Z_STREAM_END) return fail("gzip compression did not finish");
  out.resize(z.stream.total_out);
  return out;
}

Result<void> pack_user_data(RenderedNode& node, size_t limit) {
  node.gzipped = false;
  node.user_data = node.cloud_config;
  node.base64_size = base64_size(node.user_data.size());
  if (node.base64_size <= limit) return {};
  auto packed = gzip(node.cloud_config);
  if (!packed) return std::unexpected(packed.error());
  node.user_data = std::move(*packed);
  node.gzipped = true;
  node.base64_size = base64_size(node.user_data.size());
  if (node.base64_size <= limit) return {};
  return fail(fmt::format("the user-data of {} is {} bytes base64-encoded even gzip-compressed ({} bytes raw), over "
                          "Nova's limit of {} bytes",
                          node.name, node.base64_size, node.cloud_config.size(), limit),
              node.name, "fewer or smaller files per node: a smaller add-on set, or a shorter etcd member list");
}

}  // namespace kstack::bootstrap
