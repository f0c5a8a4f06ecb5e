// `kstack certs check`: every certificate in the state directory with its expiry.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <memory>

#include "cli/certs_report.h"
#include "cli/command.h"
#include "cli/output_options.h"
#include "pki/cert_inventory.h"
#include "spec/load.h"
#include "state/state_dir.h"

namespace kstack::cli {
namespace {

/// CertsCheckOptions are the flags of `kstack certs check`.
struct CertsCheckOptions {
  std::string file;
  std::string state_dir;  // empty: .kstack/<cluster>/ beside the spec
  OutputFormat output = OutputFormat::text;
};

std::string utc(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string verdict(const pki::CertStatus& cert) {
  if (!cert.problem.empty()) return "UNREADABLE: " + cert.problem;
  if (cert.expired()) return "EXPIRED";
  if (cert.expiring()) {
    return cert.is_ca ? fmt::format("EXPIRES WITHIN {} DAYS (a CA: plan its rotation)", pki::kRenewWithinDays)
                      : fmt::format("EXPIRES WITHIN {} DAYS (re-issued by the next apply)", pki::kRenewWithinDays);
  }
  return "ok";
}

int run_certs_check(const CertsCheckOptions& options) {
  auto spec = spec::load_file(options.file);
  if (!spec) {
    for (const auto& e : spec.error()) fmt::print(stderr, "{}\n", e.to_string());
    return kInvalid;
  }
  const std::filesystem::path root = options.state_dir.empty() ? state::default_state_dir(options.file, spec->name)
                                                               : std::filesystem::path(options.state_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    // Checking must not create the state directory: there is simply nothing issued yet.
    if (options.output == OutputFormat::json) {
      fmt::print("{}", render_certs_json(root.string(), {}));
      return kOk;
    }
    fmt::print("no certificates: {} does not exist yet (kstack render or kstack apply issues them)\n", root.string());
    return kOk;
  }
  auto state = state::StateDir::open(root);
  if (!state) {
    fmt::print(stderr, "{}\n", state.error().to_string());
    return kFailed;
  }
  auto certs = pki::inventory(*state, std::time(nullptr));
  if (!certs) {
    fmt::print(stderr, "{}\n", certs.error().to_string());
    return kFailed;
  }
  if (options.output == OutputFormat::json) {
    fmt::print("{}", render_certs_json(state->root().string(), *certs));
    return std::ranges::any_of(*certs, [](const auto& c) { return c.expired() || !c.problem.empty(); }) ? kFailed : kOk;
  }
  if (certs->empty()) {
    fmt::print("no certificates in {} yet (kstack render or kstack apply issues them)\n", state->root().string());
    return kOk;
  }

  size_t file_width = 11, subject_width = 7;
  for (const auto& cert : *certs) {
    file_width = std::max(file_width, cert.file.size());
    subject_width = std::max(subject_width, cert.subject.size());
  }
  fmt::print("{:<{}}  {:<{}}  {:<16}  {:>9}  {}\n", "CERTIFICATE", file_width, "SUBJECT", subject_width,
             "EXPIRES (UTC)", "DAYS LEFT", "STATUS");
  int expired = 0, expiring = 0, unreadable = 0;
  for (const auto& cert : *certs) {
    expired += cert.expired();
    expiring += cert.expiring();
    unreadable += !cert.problem.empty();
    std::string expires = cert.problem.empty() ? utc(cert.not_after) : "-";
    std::string days = cert.problem.empty() ? std::to_string(cert.days_left) : "-";
    fmt::print("{:<{}}  {:<{}}  {:<16}  {:>9}  {}\n", cert.file, file_width, cert.subject, subject_width, expires, days,
               verdict(cert));
  }
  fmt::print("{} certificates in {}: {} expired, {} expire within {} days, {} unreadable\n", certs->size(),
             state->root().string(), expired, expiring, pki::kRenewWithinDays, unreadable);
  return expired > 0 || unreadable > 0 ? kFailed : kOk;
}

const RegisterCommand kCerts(80, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<CertsCheckOptions>();
  auto* certs = app.add_subcommand("certs", "Inspect the cluster's certificates");
  certs->require_subcommand(1);
  auto* check = certs->add_subcommand(
      "check", "List every certificate in the state directory with its expiry; exit 1 if any has expired");
  check->add_option("-f,--file", options->file, "The cluster spec (cluster.yaml)")->required()->type_name("FILE");
  check
      ->add_option("--state-dir", options->state_dir,
                   "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  add_output_format_option(*check, options->output);
  check->callback([options, &ctx] { ctx.exit_code = run_certs_check(*options); });
});

}  // namespace
}  // namespace kstack::cli
