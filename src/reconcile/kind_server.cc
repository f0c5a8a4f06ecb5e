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
                                  .flavor_id = prop(p, "flavor_id"),
                                  .image_id = prop(p, "image_id"),
                                  .key_name = prop(p, "key_name"),
                                  .port_ids = {prop(p, "port_id")},
                                  .tags = ctx_.tags(),
                                  .server_group_id = prop(p, "server_group_id"),
                                  .availability_zone = prop(p, "availability_zone")};
    if (!prop(p, "volume_id").empty()) {
      request.block_devices = {
          {.source_type = "image",
           .destination_type = "local",
           .uuid = prop(p, "image_id"),
           .boot_index = 0,
           .delete_on_termination = true},
          {.source_type = "volume", .destination_type = "volume", .uuid = prop(p, "volume_id"), .boot_index = -1}};
    }
    if (auto ud = r.payload.find("user_data"); ud != r.payload.end()) request.user_data = ud->second;
    for (const char* a : kRemembered) {
      if (!prop(p, a).empty()) request.metadata[meta_key(a)] = prop(p, a);
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

const KindDescriptor& server_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::server,
      .name = "server",
      .create_rank = 130,
      .delete_rank = 10,
      .policy =
          {
              .drift = {"user_data_sha256"},
              .cloud_default = {"availability_zone"},
              .async_create = true,
              .async_delete = true,
              .ready = {"ACTIVE"},
              .failed = {"ERROR"},
              .building = {"BUILD"},
              .timeout = std::chrono::seconds(900),
              .error_retries = 2,
              .needs_time_fault = "No valid host",
              // then 90 s: past the 120 s in which Nova's hosts report their servers again
              .retry_pause = std::chrono::seconds(45),
              .expected_create_s = 30,
              .expected_delete_s = 10,
          },
      .quota =
          [](const Resource& desired, QuotaNeed& need) {
            need.add("instances");
            ++need.flavors[prop(desired.props, "flavor_id")];
          },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<ServerOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
