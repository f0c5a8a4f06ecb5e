#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_model.h"

namespace kstack::bootstrap {

/// NodeFile is one file cloud-init writes on a node: its absolute path, content and mode.
struct NodeFile {
  std::string path;  // absolute, "/etc/kubernetes/manifests/kube-apiserver.yaml"
  std::string content;
  int mode = 0644;
  bool secret = false;  // holds a private key or a credential: mode 0600, owner root
};

/// NodeFiles is the growing list of files one node receives, in the order they are written.
class NodeFiles {
 public:
  void add(std::string path, std::string content, int mode = 0644) {
    files_.push_back({std::move(path), std::move(content), mode, false});
  }
  void add_secret(std::string path, std::string content) {
    files_.push_back({std::move(path), std::move(content), 0600, true});
  }
  const std::vector<NodeFile>& files() const { return files_; }
  std::vector<NodeFile> release() { return std::move(files_); }

 private:
  std::vector<NodeFile> files_;
};

/// RenderedNode is everything one server receives at first boot: its user-data and, for review,
/// every file that user-data writes.
struct RenderedNode {
  std::string name;
  model::Role role = model::Role::worker;
  std::vector<NodeFile> files;
  std::string cloud_config;  // the #cloud-config document before compression
  std::string user_data;     // what Nova receives (before its base64): cloud_config, or its gzip
  bool gzipped = false;
  size_t base64_size = 0;  // the size Nova checks against its limit
};

}  // namespace kstack::bootstrap
