#include "server/funnel/case_model.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace riskd {
namespace {

using riskd::state::v1::UserRecord;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

UserRecord WithDevices(std::initializer_list<const char*> ids) {
  UserRecord record;
  record.set_id("alice");
  for (const char* id : ids) record.add_devices()->set_id(id);
  return record;
}

std::vector<CaseStep> Challenge(UserRecord& record, const char* device,
                                const FunnelOptions& options = {}) {
  return ApplyVerdict(options, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::VERDICT_CHALLENGE,
                      0.7, device, record);
}

TEST(CaseModelTest, AChallengeOpensOneReviewPerDevice) {
  UserRecord record = WithDevices({"laptop", "phone"});
  EXPECT_THAT(Challenge(record, "laptop"),
              ElementsAre(Field(&CaseStep::case_id, "review.opened/laptop/1")));
  EXPECT_TRUE(record.devices(0).review_open());
  // The same device again, while its review is open: nothing new.
  EXPECT_THAT(Challenge(record, "laptop"), IsEmpty());
  // Another device has a case of its own.
  EXPECT_THAT(Challenge(record, "phone"),
              ElementsAre(Field(&CaseStep::case_id, "review.opened/phone/1")));
}

TEST(CaseModelTest, AnApprovedDeviceOpensNoReviewAndAClosedReviewCanReopen) {
  UserRecord record = WithDevices({"laptop", "phone"});
  Challenge(record, "laptop");
  FeedbackOutcome approved =
      ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, "laptop", record);
  EXPECT_TRUE(approved.changed);
  EXPECT_TRUE(record.devices(0).approved());
  EXPECT_FALSE(record.devices(0).review_open());
  EXPECT_THAT(Challenge(record, "laptop"), IsEmpty());
  EXPECT_EQ(TrustOf(record, "laptop"), RISKD_DEVICE_APPROVED);

  // A failed challenge keeps the review open; a password reset closes it,
  // and the device's next review gets the next number: a new delivery.
  Challenge(record, "phone");
  ApplyFeedback(riskd::v1::FEEDBACK_TYPE_CHALLENGE_FAILED, "phone", record);
  EXPECT_TRUE(record.devices(1).review_open());
  ApplyFeedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "", record);
  EXPECT_FALSE(record.devices(1).review_open());
  EXPECT_THAT(Challenge(record, "phone"),
              ElementsAre(Field(&CaseStep::case_id, "review.opened/phone/2")));
}

TEST(CaseModelTest, AScoreOverTheReviewBandOpensAReviewEvenWhenAllowed) {
  UserRecord record = WithDevices({"laptop"});
  FunnelOptions options{.review_min_score = 0.5};
  EXPECT_THAT(ApplyVerdict(options, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::VERDICT_ALLOW,
                           0.4, "laptop", record),
              IsEmpty());
  EXPECT_THAT(ApplyVerdict(options, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::VERDICT_ALLOW,
                           0.5, "laptop", record),
              ElementsAre(Field(&CaseStep::kind, "review.opened")));
}

TEST(CaseModelTest, ADenyOnASucceededLoginConfirmsOneIncident) {
  UserRecord record = WithDevices({"laptop"});
  Challenge(record, "laptop");
  auto deny = [&] {
    return ApplyVerdict({}, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::VERDICT_DENY, 0.95,
                        "laptop", record);
  };
  EXPECT_THAT(deny(), ElementsAre(Field(&CaseStep::case_id, "incident.confirmed/laptop/1")));
  EXPECT_TRUE(record.devices(0).incident_open());
  EXPECT_FALSE(record.devices(0).review_open()) << "the incident replaces the review";
  EXPECT_THAT(deny(), IsEmpty());
  // A deny on a failed login is the attacker kept out: no incident.
  UserRecord other = WithDevices({"laptop"});
  EXPECT_THAT(ApplyVerdict({}, riskd::v1::EVENT_TYPE_LOGIN_FAILED, riskd::v1::VERDICT_DENY, 0.95,
                           "laptop", other),
              IsEmpty());
}

TEST(CaseModelTest, EscalationReportsTheDeviceAndResetRecoversEveryIncident) {
  UserRecord record = WithDevices({"laptop", "phone"});
  Challenge(record, "phone");
  FeedbackOutcome escalated =
      ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, "phone", record);
  EXPECT_TRUE(escalated.changed);
  EXPECT_THAT(escalated.steps,
              ElementsAre(Field(&CaseStep::case_id, "incident.confirmed/phone/1")));
  EXPECT_EQ(TrustOf(record, "phone"), RISKD_DEVICE_REPORTED);
  // Repeated: idempotent.
  FeedbackOutcome again = ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, "phone", record);
  EXPECT_FALSE(again.changed);
  EXPECT_THAT(again.steps, IsEmpty());

  record.set_consecutive_failures(4);
  FeedbackOutcome reset =
      ApplyFeedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "", record);
  EXPECT_TRUE(reset.changed);
  EXPECT_THAT(reset.steps, ElementsAre(Field(&CaseStep::case_id, "incident.recovered/phone/1")));
  EXPECT_FALSE(record.devices(1).incident_open());
  EXPECT_EQ(record.consecutive_failures(), 0u);
  EXPECT_EQ(TrustOf(record, "phone"), RISKD_DEVICE_REPORTED) << "a reset does not trust it again";
  EXPECT_FALSE(
      ApplyFeedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "", record).changed);
}

TEST(CaseModelTest, ApprovalClearsAReportButAPassedChallengeDoesNot) {
  UserRecord record = WithDevices({"laptop"});
  ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, "laptop", record);
  ApplyFeedback(riskd::v1::FEEDBACK_TYPE_CHALLENGE_SUCCEEDED, "laptop", record);
  EXPECT_EQ(TrustOf(record, "laptop"), RISKD_DEVICE_REPORTED);
  ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, "laptop", record);
  EXPECT_EQ(TrustOf(record, "laptop"), RISKD_DEVICE_APPROVED);
  EXPECT_TRUE(record.devices(0).incident_open()) << "only a password reset ends an incident";
}

TEST(CaseModelTest, EventsWithoutADeviceKeepTheirCaseOnTheUser) {
  UserRecord record = WithDevices({});
  EXPECT_THAT(Challenge(record, ""), ElementsAre(Field(&CaseStep::case_id, "review.opened//1")));
  EXPECT_TRUE(record.review_open());
  EXPECT_THAT(Challenge(record, ""), IsEmpty());
  FeedbackOutcome escalated = ApplyFeedback(riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, "", record);
  EXPECT_THAT(escalated.steps, ElementsAre(Field(&CaseStep::case_id, "incident.confirmed//1")));
  EXPECT_TRUE(record.compromised());
  FeedbackOutcome reset =
      ApplyFeedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "", record);
  EXPECT_THAT(reset.steps, ElementsAre(Field(&CaseStep::case_id, "incident.recovered//1")));
  EXPECT_FALSE(record.compromised());
  EXPECT_FALSE(record.review_open());
}

TEST(CaseModelTest, TheSameStepComputedTwiceHasTheSameCaseId) {
  // A lost race applies the change again to the fresh record: same ids.
  UserRecord base = WithDevices({"laptop"});
  UserRecord first = base, second = base;
  EXPECT_EQ(Challenge(first, "laptop")[0].case_id, Challenge(second, "laptop")[0].case_id);
}

}  // namespace
}  // namespace riskd
