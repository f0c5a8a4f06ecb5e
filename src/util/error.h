#pragma once

#include <expected>
#include <string>

namespace kstack {

/// Error is every failure kstack reports: what failed, where (a spec line, a
/// file or a cloud resource), the HTTP status and request id when a cloud
/// answered, and what the user can do about it.
struct Error {
  std::string what;        // one sentence: what failed
  std::string where;       // "cluster.yaml:12:5", "network kstack-demo-net", a path
  std::string hint;        // the next step for the user; empty when there is none
  std::string service;     // "compute", "network", ... when a cloud call failed
  int http_status = 0;     // 0 when no HTTP response was received
  std::string request_id;  // x-openstack-request-id / x-compute-request-id
  std::string type;        // the service's name for the error (Neutron's "IpAddressAlreadyAllocated"); often empty

  /// One or more lines for a terminal: "where: what (HTTP 409, request req-…)\n  hint: …".
  std::string to_string() const;
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for the common case of an error with a message and a location.
inline std::unexpected<Error> fail(std::string what, std::string where = {}, std::string hint = {}) {
  return std::unexpected(Error{std::move(what), std::move(where), std::move(hint), {}, 0, {}});
}

}  // namespace kstack
