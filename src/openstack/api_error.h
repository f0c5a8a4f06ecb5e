#pragma once

#include <string>
#include <string_view>

#include "openstack/http.h"
#include "util/error.h"

namespace kstack::openstack {

/// CallInfo names a cloud call for its error messages: "network", "create router", "router kstack-demo".
struct CallInfo {
  std::string service;    // compute, network, volumev3, load-balancer, image, identity
  std::string operation;  // "create server", "list volumes"
  std::string resource;   // "server kstack-demo-master-1"; empty when the call is about no one resource
};

/// The service's own message from an error body. Understands each service's shape: Nova and Cinder
/// ({"itemNotFound": {"message": …}}), Neutron ({"NeutronError": {"message": …}}), Octavia
/// ({"faultstring": …}), Keystone ({"error": {"message": …}}), Placement ({"errors": [{"detail": …}]}),
/// Glance's plain text; "" when the body holds nothing readable.
std::string service_message(std::string_view body);

/// The error for a response with an HTTP error status: what, where, status, request id, the service's
/// message and its type for the error, and a hint for the user.
Error api_error(const CallInfo& call, const HttpResponse& response);

/// The service's name for the error in `body`: Neutron's NeutronError.type ("IpAddressAlreadyAllocated"),
/// or the one key Nova and Cinder wrap their error in ("conflictingRequest"); empty when it gives none.
std::string service_error_type(std::string_view body);

/// The error for a call that got no response at all (connection refused, timeout, ...).
Error transport_error(const CallInfo& call, Error cause);

}  // namespace kstack::openstack
