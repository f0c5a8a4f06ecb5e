#pragma once

// Adoption of what a create left untagged: see CreateJournal.

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "openstack/network.h"
#include "reconcile/create_journal.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

/// The resources named `name` (`list_by_name`) that carry no tag at all: what a journalled create of
/// `kind` left between its POST and its tag call. A resource carrying some other tag is never taken: it is
/// not proved the cluster's. `tagged_seen` (may be null) is set when one of that name has the cluster's tag.
/// Only reads.
template <class T, class ListByName>
[[nodiscard]] Result<std::vector<T>> untagged_named(const OsContext& ctx, const std::string& name,
                                                    ListByName list_by_name, bool* tagged_seen = nullptr) {
  std::vector<T> out;
  if (!ctx.journal) return out;
  auto found = list_by_name(name);
  if (!found) return std::unexpected(found.error());
  for (auto& r : *found) {
    if (tagged_seen && std::find(r.tags.begin(), r.tags.end(), ctx.tag) != r.tags.end()) *tagged_seen = true;
    if (!r.tags.empty()) continue;  // tagged: the list by tag has it; another tag: not the cluster's
    out.push_back(std::move(r));
  }
  return out;
}

/// untagged_named for every name of `kind` the journal holds, appending what it finds to `into` (the kind's
/// list by tag) and returning their ids: list() reports them as `untagged`, and a plan adopts them. A name
/// leaves the journal once a resource of it is found with the cluster's tag, or once none is found and its
/// create began longer ago than CreateJournal::kInFlight (until then, a POST cut off by a kill may still be
/// running in the cloud); an untagged one leaves it when adopt_tagging tags it. Reads the cloud only.
template <class T, class ListByName>
[[nodiscard]] Result<std::set<std::string>> find_untagged(const OsContext& ctx, Kind kind, ListByName list_by_name,
                                                          std::vector<T>& into) {
  std::set<std::string> ids;
  if (!ctx.journal) return ids;
  for (const auto& name : ctx.journal->pending(kind)) {
    bool tagged = false;
    auto found = untagged_named<T>(ctx, name, list_by_name, &tagged);
    if (!found) return std::unexpected(found.error());
    const bool settled = found->empty() && (tagged || ctx.journal->age(kind, name) > CreateJournal::kInFlight);
    if (settled && !ctx.journal->read_only()) ctx.journal->end(kind, name);
    for (auto& r : *found) {
      ids.insert(r.id);
      into.push_back(std::move(r));
    }
  }
  return ids;
}

/// A plan's adopt step: tags `current` (Neutron collection `collection`) as the cluster's, and its name
/// leaves the create journal.
[[nodiscard]] inline Result<void> adopt_tagging(const OsContext& ctx, const std::string& collection,
                                                const ObservedResource& current) {
  auto done = openstack::network::set_tags(ctx.client, collection, current.id, ctx.tags());
  if (!done) return std::unexpected(done.error());
  if (ctx.journal) ctx.journal->end(current.key.kind, current.key.name);
  return {};
}

/// After a port create of `kind` failed with 409 (its fixed IP taken): the untagged port named `name` at
/// `fixed_ip`, adopted, when that port is what holds the address — its own earlier create, cut off by a
/// kill, was still running in the cloud while this run observed. Nothing otherwise.
inline std::optional<openstack::network::Port> adopt_port_holding(const OsContext& ctx, Kind kind,
                                                                  const std::string& name,
                                                                  const std::string& fixed_ip) {
  auto found = untagged_named<openstack::network::Port>(
      ctx, name, [&](const std::string& n) { return openstack::network::list_ports(ctx.client, {.name = n}); });
  if (!found || found->size() != 1 || found->front().fixed_ips.empty() ||
      found->front().fixed_ips[0].ip_address != fixed_ip || ctx.journal->read_only()) {
    return std::nullopt;
  }
  auto& port = found->front();
  if (!openstack::network::set_tags(ctx.client, "ports", port.id, ctx.tags())) return std::nullopt;
  port.tags = ctx.tags();
  ctx.journal->end(kind, name);
  return port;
}

}  // namespace kstack::reconcile
