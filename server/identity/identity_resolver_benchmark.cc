// What reading the user from a JWT adds to each event, per algorithm: parse,
// verify, check times, extract claims. Run by hand:
//   build/server/riskd_identity_benchmark
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/identity/identity_resolver.h"
#include "server/identity/jwt_testing.h"

namespace riskd {
namespace {

using ::riskd::testing::JwtSigner;

const std::string kSecret(32, 's');

// A realistic session token: a handful of claims, about 300 bytes.
std::string Claims() {
  return absl::StrCat(R"({"sub":"user-4217","email":"alice@example.com","created_at":1700000000,)",
                      R"("plan":"pro","iss":"https://auth.example.com","iat":1714557000,"exp":)",
                      absl::ToUnixSeconds(absl::Now()) + 3600, "}");
}

void Resolve(benchmark::State& state, const JwtSigner& signer, std::shared_ptr<const JwtKey> key) {
  JwtIdentityConfig config;
  config.name = "session";
  config.email_claim = "email";
  config.registered_at_claim = "created_at";
  config.kept_claims = {{"plan", "plan"}};
  config.key = std::move(key);
  IdentityResolver resolver(config);
  riskd::v1::Event event;
  event.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  (*event.mutable_context()->mutable_headers())["cookie"] =
      absl::StrCat("theme=dark; session=", signer.Token(Claims()), "; lang=en");
  const absl::Time at = absl::Now();
  for (auto _ : state) {
    absl::StatusOr<std::optional<TokenIdentity>> identity = resolver.Resolve(event, at);
    if (!identity.ok() || !identity->has_value()) state.SkipWithError("did not resolve");
    benchmark::DoNotOptimize(identity);
  }
}

void BM_ResolveHs256(benchmark::State& state) {
  Resolve(state, JwtSigner::Hs256(kSecret), *JwtKey::HmacSecret(kSecret));
}
BENCHMARK(BM_ResolveHs256);

void BM_ResolveRs256(benchmark::State& state) {
  JwtSigner signer = JwtSigner::Rs256();
  Resolve(state, signer, *JwtKey::PublicKeyPem(JwtAlgorithm::kRs256, signer.PublicKeyPem()));
}
BENCHMARK(BM_ResolveRs256);

void BM_ResolveEs256(benchmark::State& state) {
  JwtSigner signer = JwtSigner::Es256();
  Resolve(state, signer, *JwtKey::PublicKeyPem(JwtAlgorithm::kEs256, signer.PublicKeyPem()));
}
BENCHMARK(BM_ResolveEs256);

// Without verification: parsing and claims alone.
void BM_ResolveUnverified(benchmark::State& state) {
  Resolve(state, JwtSigner::Hs256(kSecret), nullptr);
}
BENCHMARK(BM_ResolveUnverified);

}  // namespace
}  // namespace riskd

BENCHMARK_MAIN();
