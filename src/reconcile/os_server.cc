#include "openstack/compute.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

namespace compute = openstack::compute;

// What a server was created with, kept in its metadata: a list of servers shows neither its port nor its
// user-data, and these never change while the server lives.
constexpr const char* kRemembered[] = {"flavor_id",         "port_id", "volume_id",       "server_group_id",
                                       "availability_zone", "role",    "user_data_sha256"};

std::string meta_key(const char* attribute) { return std::string("kstack-") + attribute; }

/// ServerOps: the nodes, booted with their port, their data volume (block_device_mapping_v2) and user-data.
class ServerOps : public KindOps {
 public:
  explicit ServerOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = compute::list_servers(ctx_.client, {.tags = ctx_.tags()});
    if (!all) return std::unexpected(all.error());
    std::vector<ObservedResource> out;
    for (const auto& s : *all) {
      if (s.status == "DELETED") continue;
      ObservedResource o{.key = {Kind::server, s.name},
                         .id = s.id,
                         .props = {{"image_id", s.image_id}, {"key_name", s.key_name}},
                         .status = s.status,
                         .fault = s.fault.message};
      for (const char* a : kRemembered) {
        auto it = s.metadata.find(meta_key(a));
        o.props[a] = it == s.metadata.end() ? "" : it->second;
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    const auto& p = r.props;
    compute::ServerCreate request{.name = r.key.name,
                                  .flavor_id = p.at("flavor_id"),
                                  .image_id = p.at("image_id"),
                                  .key_name = p.at("key_name"),
                                  .port_ids = {p.at("port_id")},
                                  .tags = ctx_.tags(),
                                  .server_group_id = p.at("server_group_id"),
                                  .availability_zone = p.at("availability_zone")};
    if (!p.at("volume_id").empty()) {
      request.block_devices = {
          {.source_type = "image",
           .destination_type = "local",
           .uuid = p.at("image_id"),
           .boot_index = 0,
           .delete_on_termination = true},
          {.source_type = "volume", .destination_type = "volume", .uuid = p.at("volume_id"), .boot_index = -1}};
    }
    if (auto ud = r.payload.find("user_data"); ud != r.payload.end()) request.user_data = ud->second;
    for (const char* a : kRemembered) {
      if (!p.at(a).empty()) request.metadata[meta_key(a)] = p.at(a);
    }
    auto s = ctx_.journalled(Kind::server, r.key.name, [&] { return compute::create_server(ctx_.client, request); });
    if (!s) return std::unexpected(s.error());
    return ObservedResource{.key = r.key, .id = s->id, .props = r.props, .status = s->status};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a server cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return compute::delete_server(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

std::unique_ptr<KindOps> make_server_ops(const OsContext& ctx) { return std::make_unique<ServerOps>(ctx); }

}  // namespace kstack::reconcile
