#include "spec/versions.h"

#include <gtest/gtest.h>

#include <set>

#include "spec/cluster_spec.h"

namespace kstack::spec {
namespace {

bool is_sha256(std::string_view hex) {
  return hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(Versions, SupportsAtLeastTwoMinorsOldestFirst) {
  auto all = releases();
  ASSERT_GE(all.size(), 2u);
  std::set<std::string_view> minors;
  for (const auto& r : all) minors.insert(r.kubernetes.substr(0, r.kubernetes.rfind('.')));
  EXPECT_GE(minors.size(), 2u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].kubernetes, all[i].kubernetes);
}

TEST(Versions, DefaultIsPinnedAndMatchesTheSpecDefault) {
  EXPECT_NE(find_release(default_kubernetes_version()), nullptr);
  EXPECT_EQ(KubernetesSpec{}.version, default_kubernetes_version());
}

TEST(Versions, FindReleaseAcceptsALeadingV) {
  const Release* r = find_release("v1.34.4");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->kubernetes, "1.34.4");
  EXPECT_EQ(find_release("1.34"), nullptr);
  EXPECT_EQ(find_release("1.29.0"), nullptr);
  EXPECT_EQ(find_release(""), nullptr);
}

TEST(Versions, EveryBinaryHasAChecksumAndAnArchSpecificUrl) {
  for (const auto& r : releases()) {
    auto binaries = r.binaries();
    ASSERT_EQ(binaries.size(), 6u);
    for (const BinaryRelease* b : binaries) {
      SCOPED_TRACE(std::string(r.kubernetes) + " " + std::string(b->name));
      EXPECT_FALSE(b->version.empty());
      for (Arch arch : {Arch::amd64, Arch::arm64}) {
        const Download& d = b->download(arch);
        EXPECT_TRUE(is_sha256(d.sha256)) << d.sha256;
        EXPECT_TRUE(d.url.starts_with("https://")) << d.url;
        EXPECT_NE(d.url.find(b->version), std::string_view::npos) << d.url;
        EXPECT_NE(d.url.find(arch == Arch::amd64 ? "amd64" : "arm64"), std::string_view::npos) << d.url;
      }
      EXPECT_NE(b->amd64.sha256, b->arm64.sha256);
    }
    EXPECT_EQ(r.kubelet.version, r.kubernetes);
    EXPECT_EQ(r.kubectl.version, r.kubernetes);
  }
}

TEST(Versions, EveryImageIsTaggedAndControlPlaneMatchesTheRelease) {
  for (const auto& r : releases()) {
    auto images = r.images.all();
    EXPECT_EQ(images.size(), 19u);
    for (const Image* image : images) {
      EXPECT_FALSE(image->name.empty());
      EXPECT_NE(image->repository.find('/'), std::string_view::npos) << image->repository;
      EXPECT_FALSE(image->tag.empty()) << image->name;
    }
    std::string tag = "v" + std::string(r.kubernetes);
    EXPECT_EQ(r.images.kube_apiserver.tag, tag);
    EXPECT_EQ(r.images.kube_controller_manager.tag, tag);
    EXPECT_EQ(r.images.kube_scheduler.tag, tag);
    EXPECT_EQ(r.images.kube_proxy.tag, tag);
    EXPECT_EQ(r.images.nginx_ingress.repository, "docker.io/nginx/nginx-ingress");
  }
}

TEST(Versions, EtcdIsWhatKubeadmPinsForThePatchRelease) {
  // cmd/kubeadm/app/constants/constants.go, DefaultEtcdVersion, at each pinned tag.
  EXPECT_EQ(find_release("1.33.8")->images.etcd.tag, "3.5.24-0");
  EXPECT_EQ(find_release("1.34.4")->images.etcd.tag, "3.6.5-0");
}

TEST(Versions, CsiSidecarsAreThoseOfTheCinderPluginRelease) {
  // cloud-provider-openstack's manifests/cinder-csi-plugin at the plugin's tag.
  struct Expected {
    std::string_view kubernetes, plugin, attacher, provisioner, snapshotter, resizer, livenessprobe, registrar;
  };
  for (const auto& e :
       {Expected{"1.33.8", "v1.33.1", "v4.7.0", "v5.1.0", "v8.1.0", "v1.12.0", "v2.14.0", "v2.12.0"},
        Expected{"1.34.4", "v1.34.1", "v4.10.0", "v5.3.0", "v8.3.0", "v1.14.0", "v2.17.0", "v2.15.0"}}) {
    const Release* r = find_release(e.kubernetes);
    ASSERT_NE(r, nullptr);
    SCOPED_TRACE(std::string(e.kubernetes));
    EXPECT_EQ(r->images.cinder_csi_plugin.tag, e.plugin);
    EXPECT_EQ(r->images.openstack_cloud_controller_manager.tag, e.plugin);
    EXPECT_EQ(r->images.csi_attacher.tag, e.attacher);
    EXPECT_EQ(r->images.csi_provisioner.tag, e.provisioner);
    EXPECT_EQ(r->images.csi_snapshotter.tag, e.snapshotter);
    EXPECT_EQ(r->images.csi_resizer.tag, e.resizer);
    EXPECT_EQ(r->images.csi_livenessprobe.tag, e.livenessprobe);
    EXPECT_EQ(r->images.csi_node_driver_registrar.tag, e.registrar);
  }
}

TEST(Image, RefWithAndWithoutMirror) {
  Image image{"etcd", "registry.k8s.io/etcd", "3.6.4-0"};
  EXPECT_EQ(image.ref(), "registry.k8s.io/etcd:3.6.4-0");
  EXPECT_EQ(image.ref("mirror.example:5000"), "mirror.example:5000/etcd:3.6.4-0");
  EXPECT_EQ(image.ref("mirror.example/"), "mirror.example/etcd:3.6.4-0");
  Image nested{"coredns", "registry.k8s.io/coredns/coredns", "v1.12.1"};
  EXPECT_EQ(nested.ref("m.example/k8s"), "m.example/k8s/coredns/coredns:v1.12.1");
}

}  // namespace
}  // namespace kstack::spec
