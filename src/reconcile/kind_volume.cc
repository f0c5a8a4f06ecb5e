#include <chrono>
#include <thread>

#include "openstack/blockstorage.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

namespace bs = openstack::blockstorage;

/// VolumeOps: the nodes' data volumes. Cinder has no tags; the cluster's carry its mark in their metadata.
class VolumeOps : public KindOps {
 public:
  explicit VolumeOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    // Every volume of the project, in one call shared with the volumes of Kubernetes' PersistentVolumes
    // (list_kubernetes_owned); the cluster's carry its mark.
    auto all =
        ctx_.shared_list<std::vector<bs::Volume>>(shared::kVolumes, [&] { return bs::list_volumes(ctx_.client); });
    if (!all) return std::unexpected(all.error());
    std::vector<ObservedResource> out;
    for (const auto& v : *all) {
      auto mark = v.metadata.find("kstack-cluster");
      if (mark == v.metadata.end() || mark->second != ctx_.cluster) continue;
      out.push_back({.key = {Kind::volume, v.name},
                     .id = v.id,
                     .props = {{"size_gb", std::to_string(v.size_gb)},
                               {"volume_type", v.volume_type},
                               {"availability_zone", v.availability_zone}},
                     .status = v.status});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    bs::VolumeCreate request{.name = r.key.name,
                             .size_gb = prop_int(r.props, "size_gb"),
                             .volume_type = prop(r.props, "volume_type"),
                             .availability_zone = prop(r.props, "availability_zone"),
                             .description = "kstack data volume",
                             .metadata = ctx_.volume_mark()};
    auto v = ctx_.journalled(Kind::volume, r.key.name, [&] { return bs::create_volume(ctx_.client, request); });
    if (!v) return std::unexpected(v.error());
    return ObservedResource{.key = r.key, .id = v->id, .props = r.props, .status = v->status};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a volume cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    // Right after its server is gone a volume may still be detaching: Cinder answers 400 until it is not.
    for (int attempt = 0;; ++attempt) {
      auto done = bs::delete_volume(ctx_.client, current.id);
      if (done || done.error().http_status != 400 || attempt >= 30) return done;
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& volume_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::volume,
      .name = "volume",
      .create_rank = 120,
      .delete_rank = 20,
      .policy =
          {
              .cloud_default = {"availability_zone", "volume_type"},
              .async_create = true,
              .async_delete = true,
              .ready = {"available", "in-use"},
              .failed = {"error", "error_deleting"},
              .deleting = {"deleting"},
              .building = {"creating"},
              .timeout = std::chrono::seconds(600),
              .expected_create_s = 5,
              .expected_delete_s = 3,
          },
      .quota =
          [](const Resource& desired, QuotaNeed& need) {
            need.add("volumes");
            need.add("gigabytes", prop_number(desired.props, "size_gb"));
          },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<VolumeOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
