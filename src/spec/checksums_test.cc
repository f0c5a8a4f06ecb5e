#include "spec/checksums.h"

#include <gtest/gtest.h>

#include "spec/cluster_spec.h"

namespace kstack::spec {
namespace {

const std::string kHash(64, 'a');

TEST(MirrorPath, IsTheUrlPathWithoutHost) {
  EXPECT_EQ(mirror_path("https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubelet"),
            "release/v1.34.4/bin/linux/amd64/kubelet");
  EXPECT_EQ(mirror_path("https://github.com/containerd/containerd/releases/download/v2.2.1/x.tar.gz"),
            "containerd/containerd/releases/download/v2.2.1/x.tar.gz");
  EXPECT_EQ(mirror_path("https://host.example"), "");
}

TEST(ParseChecksums, ReadsSha256sumOutputInBothModes) {
  auto list =
      parse_checksums("# built here\n\n" + kHash + "  release/a\n" + std::string(64, 'B') + " *./release/b\n", "SUMS");
  ASSERT_TRUE(list.has_value()) << list.error().to_string();
  EXPECT_EQ(list->sha256.at("release/a"), kHash);
  EXPECT_EQ(list->sha256.at("release/b"), std::string(64, 'b'));  // lower-cased, "./" dropped
  EXPECT_EQ(list->line.at("release/b"), 4);
}

TEST(ParseChecksums, NamesTheLineOfAMalformedEntry) {
  auto list = parse_checksums(kHash + "  release/a\nnot a checksum\n", "SUMS");
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().where, "SUMS:2");
}

TEST(ParseChecksums, RefusesAPathListedTwiceOrAbsolute) {
  auto twice = parse_checksums(kHash + "  release/a\n" + kHash + "  release/a\n", "SUMS");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().where, "SUMS:2");
  EXPECT_NE(twice.error().what.find("first on line 1"), std::string::npos);
  auto absolute = parse_checksums(kHash + "  /srv/mirror/release/a\n", "SUMS");
  ASSERT_FALSE(absolute.has_value());
  EXPECT_EQ(absolute.error().where, "SUMS:1");
}

TEST(Unlisted, NamesEveryPinnedFileTheListLacks) {
  const Release& release = *find_release("1.34.4");
  MirrorChecksums list;
  EXPECT_EQ(unlisted(release, Arch::amd64, list).size(), release.binaries().size());
  for (const auto* binary : release.binaries()) list.sha256[std::string(mirror_path(binary->amd64.url))] = kHash;
  EXPECT_TRUE(unlisted(release, Arch::amd64, list).empty());
  EXPECT_EQ(unlisted(release, Arch::arm64, list).front(), mirror_path(release.kubelet.arm64.url));
}

TEST(MirrorSpec, UsesTheMirrorsChecksumOnlyWhenItHasAFile) {
  const Release& release = *find_release("1.34.4");
  MirrorSpec mirrors;
  EXPECT_EQ(mirrors.sha256(release.kubelet.amd64), release.kubelet.amd64.sha256);
  mirrors.checksums = "SUMS";
  mirrors.checksum_list.sha256[std::string(mirror_path(release.kubelet.amd64.url))] = kHash;
  EXPECT_EQ(mirrors.sha256(release.kubelet.amd64), kHash);
  EXPECT_EQ(mirrors.sha256(release.kubelet.arm64), "");
}

TEST(MirrorSpec, TheImageRegistryDropsTheScheme) {
  MirrorSpec mirrors;
  mirrors.images = "http://203.0.113.2:5000/";
  EXPECT_EQ(mirrors.image_registry(), "203.0.113.2:5000");
  EXPECT_TRUE(mirrors.images_plain_http());
  mirrors.images = "registry.example/k8s";
  EXPECT_EQ(mirrors.image_registry(), "registry.example/k8s");
  EXPECT_FALSE(mirrors.images_plain_http());
}

}  // namespace
}  // namespace kstack::spec
