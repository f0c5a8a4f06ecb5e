// `kstack cloud check`: authenticates, lists the catalog, reaches each service and prints quotas and use.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/cloud_report.h"
#include "cli/command.h"
#include "cli/output_options.h"
#include "openstack/client.h"
#include "openstack/cloud_check.h"
#include "openstack/cloud_config.h"
#include "spec/load.h"

namespace kstack::cli {
namespace {

/// CloudCheckOptions are the flags of `kstack cloud check`.
struct CloudCheckOptions {
  std::string file;
  std::string os_cloud;
  OutputFormat output = OutputFormat::text;
};

int run_cloud_check(const CloudCheckOptions& options, const Context& ctx) {
  spdlog::set_level(ctx.debug ? spdlog::level::debug : spdlog::level::info);
  auto spec = spec::load_file(options.file);
  if (!spec) {
    for (const auto& e : spec.error()) fmt::print(stderr, "{}\n", e.to_string());
    return kInvalid;
  }
  // --os-cloud beats the spec's `cloud`, which beats OS_CLOUD and the OS_* variables.
  auto cloud = openstack::resolve_cloud(options.os_cloud.empty() ? spec->cloud : options.os_cloud);
  if (!cloud) {
    fmt::print(stderr, "{}\n", cloud.error().to_string());
    return kFailed;
  }
  if (!spec->region.empty()) cloud->region = spec->region;
  auto client = openstack::Client::connect(*cloud);
  if (!client) {
    fmt::print(stderr, "{}\n", client.error().to_string());
    return kFailed;
  }
  const auto report = openstack::check_cloud(**client, spec->image);
  fmt::print(
      "{}", options.output == OutputFormat::json ? render_cloud_report_json(report) : openstack::format_report(report));
  return report.ok() ? kOk : kFailed;
}

const RegisterCommand kCloud(80, [](CLI::App& app, Context& ctx) {
  auto* cloud = app.add_subcommand("cloud", "Inspect the OpenStack cloud a spec points at");
  cloud->require_subcommand(1);
  auto options = std::make_shared<CloudCheckOptions>();
  auto* check = cloud->add_subcommand(
      "check", "Authenticate, list the catalog, reach compute/network/volumev3/load-balancer/image, print quotas");
  check->add_option("-f,--file", options->file, "The cluster spec (cluster.yaml)")->required()->type_name("FILE");
  check->add_option("--os-cloud", options->os_cloud, "The clouds.yaml entry; overrides the spec's `cloud`");
  add_output_format_option(*check, options->output);
  check->callback([options, &ctx] { ctx.exit_code = run_cloud_check(*options, ctx); });
});

}  // namespace
}  // namespace kstack::cli
