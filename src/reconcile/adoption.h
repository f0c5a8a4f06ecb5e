#pragma once

// Adoption of what a create left untagged: see CreateJournal.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "openstack/network.h"
#include "reconcile/create_journal.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

/// The resources named `name` (`list_by_name`) that carry no tag at all: what a journalled create of
/// `kind` left between its POST and its tag call. Unless the journal is read-only, each is tagged as the
/// cluster's (Neutron collection `collection`). A resource carrying some other tag is never taken: it is
/// not proved the cluster's. `tagged_seen` (may be null) is set when one of that name has the cluster's tag.
template <class T, class ListByName>
[[nodiscard]] Result<std::vector<T>> adopt_name(const OsContext& ctx, const std::string& collection,
                                                const std::string& name, ListByName list_by_name,
                                                bool* tagged_seen = nullptr) {
  std::vector<T> out;
  if (!ctx.journal) return out;
  auto found = list_by_name(name);
  if (!found) return std::unexpected(found.error());
  for (auto& r : *found) {
    if (tagged_seen && std::find(r.tags.begin(), r.tags.end(), ctx.tag) != r.tags.end()) *tagged_seen = true;
    if (!r.tags.empty()) continue;  // tagged: the list by tag has it; another tag: not the cluster's
    if (!ctx.journal->read_only()) {
      auto done = openstack::network::set_tags(ctx.client, collection, r.id, ctx.tags());
      if (!done) return std::unexpected(done.error());
      r.tags = ctx.tags();
    }
    out.push_back(std::move(r));
  }
  return out;
}

/// adopt_name for every name of `kind` the journal holds, appending what it adopts to `into` (the kind's
/// list by tag). A name leaves the journal once its resource is adopted or found with the cluster's tag, or
/// once it is not found and its create began longer ago than CreateJournal::kInFlight (until then, a POST
/// cut off by a kill may still be running in the cloud).
template <class T, class ListByName>
[[nodiscard]] Result<void> adopt_untagged(const OsContext& ctx, Kind kind, const std::string& collection,
                                          ListByName list_by_name, std::vector<T>& into) {
  if (!ctx.journal) return {};
  for (const auto& name : ctx.journal->pending(kind)) {
    bool tagged = false;
    auto adopted = adopt_name<T>(ctx, collection, name, list_by_name, &tagged);
    if (!adopted) return std::unexpected(adopted.error());
    const bool settled = !adopted->empty() || tagged || ctx.journal->age(kind, name) > CreateJournal::kInFlight;
    if (settled && !ctx.journal->read_only()) ctx.journal->end(kind, name);
    for (auto& r : *adopted) into.push_back(std::move(r));
  }
  return {};
}

/// After a port create of `kind` failed with 409 (its fixed IP taken): the untagged port named `name` at
/// `fixed_ip`, adopted, when that port is what holds the address — its own earlier create, cut off by a
/// kill, was still running in the cloud while this run observed. Nothing otherwise.
inline std::optional<openstack::network::Port> adopt_port_holding(const OsContext& ctx, Kind kind,
                                                                  const std::string& name,
                                                                  const std::string& fixed_ip) {
  auto adopted = adopt_name<openstack::network::Port>(ctx, "ports", name, [&](const std::string& n) {
    return openstack::network::list_ports(ctx.client, {.name = n});
  });
  if (!adopted || adopted->size() != 1 || adopted->front().fixed_ips.empty() ||
      adopted->front().fixed_ips[0].ip_address != fixed_ip || ctx.journal->read_only()) {
    return std::nullopt;
  }
  ctx.journal->end(kind, name);
  return adopted->front();
}

}  // namespace kstack::reconcile
