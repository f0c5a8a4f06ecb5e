#pragma once

#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/kind.h"

namespace kstack::reconcile {

/// Props are a resource's attributes as plain text: what is compared, printed and sent.
using Props = std::map<std::string, std::string>;

/// The value of `name` in `props`, or "" when it has none (never throws: an adapter sends what it has, and
/// the cloud's 400 names a field left empty).
const std::string& prop(const Props& props, const std::string& name);

/// The decimal number `name` holds in `props`; 0 when it holds none or something else.
long prop_number(const Props& props, const std::string& name);

/// As prop_number, for a number that must fit an int (a port, a size, a timeout); 0 when it does not.
int prop_int(const Props& props, const std::string& name);

/// The decimal int `text` holds; 0 when it holds something else or a number that does not fit an int.
int int_or_zero(std::string_view text);

/// Key names one resource: its kind and its name ("server", "demo-master-1").
struct Key {
  Kind kind = Kind::keypair;
  std::string name;

  /// "server.demo-master-1"
  std::string to_string() const;
  auto operator<=>(const Key&) const = default;
};

/// Resource is one desired cloud resource as plain data: the generic executor creates it in dependency
/// order and compares it with what the cloud holds. A property whose value is a reference
/// ("ref:network/demo-net" or "ref:load_balancer/demo-api#vip_port_id") names another resource's id
/// or attribute, resolved once that resource exists.
struct Resource {
  Key key;
  Props props;
  std::vector<Key> depends_on;
  std::map<std::string, std::string> payload;  // sent on create, neither compared nor printed (user-data)
  // Updatable props left empty on create and set by an update once every dependency exists: the resource
  // is created as soon as its other props can be (the API's floating IP, associated with the load
  // balancer's VIP port later), and what depends on it waits only for the create.
  std::set<std::string> set_after_create;
};

/// Origin says who created an observed resource, and so who may delete it.
enum class Origin {
  kstack,              // carries the cluster's tag
  kubernetes_service,  // a load balancer the cloud controller manager made: kube_service_<cluster>_*
  csi_volume,          // a volume with the metadata cinder.csi.openstack.org/cluster=<cluster>
};

/// ObservedResource is one resource as a list call returned it, its attributes named like Resource's.
/// References come back as ids (a port's network_id is the network's UUID).
struct ObservedResource {
  Key key;
  std::string id;
  Props props;         // includes outputs other resources refer to (a load balancer's vip_port_id)
  std::string status;  // "ACTIVE", "BUILD", "available", ...; empty for kinds without one
  std::string fault;   // why it is in an error status, when the cloud says
  std::string created_at;
  Origin origin = Origin::kstack;
  // Found by name without any tag, under a name the create journal holds: a create of this cluster's cut off
  // between its POST and its tag call. The list only reports it; a plan's adopt step tags it.
  bool untagged = false;
};

/// ObservedState is what one list call per kind, filtered by the cluster's tag, returned.
struct ObservedState {
  std::vector<ObservedResource> resources;
  int list_calls = 0;  // how many API calls observing cost

  /// Every observed resource with this key, in list order.
  std::vector<const ObservedResource*> find(const Key& key) const;
};

/// "ref:<kind>/<name>" for the id of a resource, "ref:<kind>/<name>#<attribute>" for one of its attributes.
std::string ref(const Key& key, std::string_view attribute = {});

/// Ref is a parsed reference.
struct Ref {
  Key key;
  std::string attribute;  // empty: the id
};

/// The reference a property value holds, or nothing when the value is plain text.
std::optional<Ref> parse_ref(std::string_view value);

/// RefLookup gives what a reference names: the target's id, or the attribute's value; nothing while the
/// target does not exist or the attribute is empty (not known yet).
using RefLookup = std::function<std::optional<std::string>(const Ref&)>;

/// `value`, a property or a comma-separated list of them, with every reference replaced by what `lookup`
/// gives; the first reference it cannot give when there is one. The one place the grammar is resolved:
/// the plan shows an unresolved reference as "(known after apply)", the executor as an error.
std::expected<std::string, Ref> resolve_refs(const std::string& value, const RefLookup& lookup);

}  // namespace kstack::reconcile
