#include "openstack/compute.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

/// KeypairOps: Nova keypairs have no tags; the cluster owns the one named after it.
class KeypairOps : public KindOps {
 public:
  explicit KeypairOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = openstack::compute::list_keypairs(ctx_.client);
    if (!all) return std::unexpected(all.error());
    std::vector<ObservedResource> out;
    for (const auto& k : *all) {
      if (k.name != ctx_.cluster) continue;
      out.push_back({.key = {Kind::keypair, k.name}, .id = k.name, .props = {{"public_key", trimmed(k.public_key)}}});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto k = ctx_.journalled(Kind::keypair, r.key.name, [&] {
      return openstack::compute::import_keypair(ctx_.client, r.key.name, prop(r.props, "public_key"));
    });
    if (!k) return std::unexpected(k.error());
    return ObservedResource{.key = r.key, .id = k->name, .props = r.props};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a keypair cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::compute::delete_keypair(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& keypair_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::keypair,
      .name = "keypair",
      .create_rank = 10,
      .delete_rank = 130,
      .policy = {},
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<KeypairOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
