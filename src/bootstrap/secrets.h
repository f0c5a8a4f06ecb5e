#pragma once

#include "bootstrap/render_inputs.h"
#include "state/state_dir.h"
#include "util/error.h"

namespace kstack::bootstrap {

/// Where the encryption-at-rest key lives in the state directory.
inline constexpr std::string_view kEncryptionKeyFile = "secrets/encryption-key";

/// Loads the bootstrap secrets from the state directory, generating what is missing. A key once
/// written is never replaced: the API servers could no longer read the Secrets it encrypted.
[[nodiscard]] Result<BootstrapSecrets> ensure_secrets(state::StateDir& state);

/// The PKI inputs of a cluster: every name and address the certificates must carry, from the model.
pki::PkiInputs pki_inputs(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                          std::string_view api_floating_ip);

}  // namespace kstack::bootstrap
