#include "openstack/image.h"

#include <gtest/gtest.h>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::image {
namespace {

using testing::FakeCloud;

TEST(Image, FindsImagesByName) {
  FakeCloud cloud;
  cloud.on("GET", "/image/v2/images?name=ubuntu-22.04", 200, "image/images_by_name.json");
  auto images = find_by_name(*cloud.connect(), "ubuntu-22.04");
  ASSERT_TRUE(images) << images.error().to_string();
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ(images->front().id, "d36af129-e370-4df7-bf57-3671e43c508b");
  EXPECT_EQ(images->front().status, "active");
  EXPECT_EQ(images->front().disk_format, "raw");
  EXPECT_EQ(images->front().size_bytes, 1048576);
}

TEST(Image, ListFollowsNextToTheEnd) {
  FakeCloud cloud;
  cloud.on("GET", "/image/v2/images", 200, "image/images_page1.json");
  cloud.server.on(
      "GET", "/image/v2/images?limit=1&marker=d36af129-e370-4df7-bf57-3671e43c508b", 200,
      R"({"images": [{"id": "second", "name": "debian-12", "status": "active"}], "schema": "/v2/schemas/images"})");
  auto images = list_images(*cloud.connect());
  ASSERT_TRUE(images) << images.error().to_string();
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[1].name, "debian-12");
}

TEST(Image, GlanceErrorsAreRead) {
  FakeCloud cloud;
  cloud.on("GET", "/image/v2/images", 503, "image/error_404.json");
  auto images = list_images(*cloud.connect());
  ASSERT_FALSE(images);
  EXPECT_EQ(images.error().service, "image");
  EXPECT_NE(images.error().what.find("No image found"), std::string::npos) << images.error().what;
  EXPECT_EQ(cloud.server.count("GET", "/image/v2/images"), 5);  // a 503 is retried, then reported
}

}  // namespace
}  // namespace kstack::openstack::image
