#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "openstack/client.h"
#include "openstack/testing/replay_server.h"

namespace kstack::openstack::testing {

/// FakeCloud is a ReplayServer scripted as a whole cloud from the recorded fixtures: Keystone issues the
/// recorded token (catalog rewritten to point here: /identity, /compute, /network, /volume, /lb, /image) and
/// every service answers its version document. Tests script the calls they make on top.
class FakeCloud {
 public:
  explicit FakeCloud(std::chrono::seconds token_lifetime = std::chrono::hours(1));

  /// A recorded fixture with the dev cloud's URLs rewritten to this server's.
  std::string body(const std::string& fixture) const;
  /// Scripts METHOD target to answer with a recorded fixture.
  void on(const std::string& method, const std::string& target, int status, const std::string& fixture);
  /// The Keystone token reply, as a Reply (token id, lifetime from now).
  Reply token_reply(const std::string& token_id, std::chrono::seconds lifetime) const;

  CloudConfig config() const;
  /// A client connected to this cloud, with fast retries.
  std::unique_ptr<Client> connect() const;

  ReplayServer server;
  std::string project_id;  // of the recorded token
};

/// Transport options for tests: short backoff and timeouts.
TransportOptions fast_transport();

}  // namespace kstack::openstack::testing
