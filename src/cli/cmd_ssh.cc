// `kstack ssh NODE`: an SSH session on a node, through the bastion.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "cli/cluster_access.h"
#include "cli/command.h"
#include "util/text.h"

namespace kstack::cli {
namespace {

/// SshCommandOptions are the flags and arguments of `kstack ssh`.
struct SshCommandOptions {
  reconcile::SessionOptions session{.read_only = true};  // changes nothing in the cloud
  std::string node;
  std::vector<std::string> command;
  std::string user = "ubuntu";
  std::string identity;  // empty: the private key beside the spec's ssh_public_key_file, when it exists
  bool print = false;
};

std::string shell_quoted(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_-+=:,./") ==
          std::string::npos) {
    return word;
  }
  return shell_quote(word);
}

// The private key that belongs to the spec's public key file ("~/.ssh/id_ed25519.pub" → "~/.ssh/id_ed25519").
std::string default_identity(const std::string& public_key_file, const std::string& spec_file) {
  if (!public_key_file.ends_with(".pub")) return "";
  std::filesystem::path path = public_key_file.substr(0, public_key_file.size() - 4);
  if (public_key_file.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    path = std::filesystem::path(home ? home : "") / public_key_file.substr(2, public_key_file.size() - 6);
  } else if (path.is_relative()) {
    path = std::filesystem::path(spec_file).parent_path() / path;
  }
  std::error_code ec;
  return std::filesystem::exists(path, ec) ? std::filesystem::absolute(path, ec).string() : "";
}

int run_ssh(const SshCommandOptions& options) {
  auto session = reconcile::Session::open(options.session);
  if (!session) {
    fmt::print(stderr, "{}\n", session.error().to_string());
    return kFailed;
  }
  auto node = find_node((*session)->model(), options.node);
  if (!node) {
    fmt::print(stderr, "{}\n", node.error().to_string());
    return kInvalid;
  }
  auto endpoints = cluster_endpoints(**session);
  if (!endpoints) {
    fmt::print(stderr, "{}\n", endpoints.error().to_string());
    return kFailed;
  }
  reconcile::SshTarget target{
      .user = options.user,
      .identity_file = options.identity.empty()
                           ? default_identity((*session)->spec().ssh_public_key_file, options.session.spec_file)
                           : options.identity,
      .known_hosts = (*session)->state().path("known_hosts").string()};
  auto argv = reconcile::ssh_command(*endpoints, **node, target, options.command);
  if (!argv) {
    fmt::print(stderr, "{}\n", argv.error().to_string());
    return kFailed;
  }
  // The state directory's lock must not live on in ssh.
  session->reset();
  if (options.print) {
    std::vector<std::string> quoted;
    for (const auto& a : *argv) quoted.push_back(shell_quoted(a));
    fmt::print("{}\n", fmt::join(quoted, " "));
    return kOk;
  }
  std::vector<char*> raw;
  for (auto& a : *argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::fflush(stdout);
  ::execvp("ssh", raw.data());
  fmt::print(stderr, "cannot run ssh: {}\n  hint: install the OpenSSH client (apt-get install openssh-client)\n",
             std::strerror(errno));
  return kFailed;
}

const RegisterCommand kSsh(75, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<SshCommandOptions>();
  auto* cmd = app.add_subcommand("ssh", "Open SSH to a node through the bastion (or run a command there)");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("node", options->node, "The node: demo-master-1, or master-1, worker-2, bastion")
      ->required()
      ->type_name("NODE");
  cmd->add_option("command", options->command, "A command to run instead of a shell (after --)");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_option("-l,--user", options->user, "The login user: the image's default user holds the spec's key");
  cmd->add_option("-i,--identity", options->identity,
                  "The private key (default: the spec's ssh_public_key_file without .pub, when it exists)")
      ->type_name("FILE");
  cmd->add_flag("--print", options->print, "Print the ssh command instead of running it");
  cmd->footer("Host keys are accepted on first use and kept in the state directory's known_hosts.\n" +
              cmd->get_footer());
  cmd->callback([options, &ctx] { ctx.exit_code = run_ssh(*options); });
});

}  // namespace
}  // namespace kstack::cli
