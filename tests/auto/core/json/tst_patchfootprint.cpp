// SPDX-License-Identifier: MIT
//
// The commit's shortcuts against their long ways, over seeded random manifests and patches:
// - LaidOutJson::rewrite (copying the text of what a patch did not write) is byte-identical to
//   JsonWriter::write of the patched document, across chains of commits;
// - PatchPolicy::check looking only where the patch wrote gives exactly the answer of comparing
//   the whole documents;
// - PatchFootprint names every place a patch changed.
// A failure names its seed and round; RandomManifests(seed) replays it.

#include "documentchanges.h"
#include "jsonpatch.h"
#include "jsonwriter.h"
#include "laidoutjson.h"
#include "manifestvalidator.h"
#include "patchfootprint.h"
#include "patchpolicy.h"

#include <QTest>

#include <random>

using namespace runboard;

namespace {

constexpr std::uint32_t kSeed = 20261124;
const char *const kStatuses[] = {"pending", "claimed", "in_progress", "review", "done", "failed"};

class RandomManifests
{
public:
    explicit RandomManifests(std::uint32_t seed) : m_rng(seed) {}

    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }
    bool chance(int percent) { return below(100) < percent; }

    std::string text()
    {
        static const char *const pieces[] = {"plain",       "with \"quotes\"", "tab\there", "ünï",
                                             "line\nbreak", "~/slash",         "{id:x}",    ""};
        return pieces[below(8)] + std::to_string(below(50));
    }

    Json task(int number)
    {
        Json task = Json::object();
        task["id"] = "T-" + std::to_string(number);
        task["phaseId"] = "developing";
        task["title"] = text();
        task["description"] = text();
        task["status"] = kStatuses[below(6)];
        task["assigneeSessionId"] = chance(50) ? "S-w" + std::to_string(below(3)) : "";
        task["validationGate"]
            = Json{{"required", chance(50)},
                   {"stepIds", chance(50) ? Json::array({"V-1"}) : Json::array()}};
        if (chance(30))
            task["attempts"] = below(4);
        if (chance(20))
            task["score"] = below(1000) / 7.0;
        return task;
    }

    Json manifest()
    {
        Json doc = Json::object();
        doc["version"] = 1;
        doc["runId"] = "R-1";
        doc["etag"] = "g3-0a1b2c3d";
        doc["serverGeneration"] = 3;
        doc["currentPhase"] = "developing";
        Json agents = Json::array();
        agents.push_back(Json{{"sessionId", "S-lead"}, {"role", "lead"}, {"status", "active"}});
        for (int i = 0; i < 3; ++i)
            agents.push_back(Json{{"sessionId", "S-w" + std::to_string(i)},
                                  {"role", "worker"},
                                  {"status", chance(50) ? "active" : "idle"}});
        agents.push_back(Json{{"sessionId", "S-v"}, {"role", "validator"}, {"status", "idle"}});
        doc["agents"] = agents;
        Json tasks = Json::array();
        const int count = 1 + below(12);
        for (int i = 1; i <= count; ++i)
            tasks.push_back(task(i));
        doc["tasks"] = tasks;
        doc["validationStrategy"] = Json{
            {"steps", Json::array({Json{{"id", "V-1"}, {"title", "tests"}}})},
            {"checklist",
             Json::array(
                 {Json{{"stepId", "V-1"},
                       {"runs", Json::array({Json{{"id", "run-1"},
                                                  {"runBySessionId", "S-v"},
                                                  {"status", "passed"},
                                                  {"startedAt", "2026-11-24T10:00:00.000Z"}}})},
                       {"latestRunId", "run-1"}}})}};
        doc["userOverrides"] = Json::array();
        doc["leadState"] = Json{{"notes", text()}, {"counter", below(9)}};
        doc["history"] = Json::array({Json{{"etag", "g3-0a1b2c3d"}, {"summary", "patch"}}});
        doc["empty"] = chance(50) ? Json::array() : Json::object();
        return doc;
    }

    std::string taskToken(const Json &doc)
    {
        const Json &tasks = doc.at("tasks");
        if (tasks.empty() || chance(10))
            return "{id:T-" + std::to_string(100 + below(5)) + "}"; // may match nothing
        const Json &task = tasks[std::size_t(below(int(tasks.size())))];
        const auto id = task.find("id");
        return id != task.end() && id->is_string() ? "{id:" + id->get<std::string>() + "}" : "0";
    }

    Json op(const Json &doc)
    {
        const std::string task = "/tasks/" + taskToken(doc);
        switch (below(20)) {
        case 19: // a key renamed inside its element, perhaps to one another element has
            if (chance(2))
                return Json{
                    {"op", "replace"},
                    {"path", "/agents/{sessionId:S-w" + std::to_string(below(3)) + "}/sessionId"},
                    {"value", "S-w" + std::to_string(below(5))}};
            return Json{{"op", "replace"},
                        {"path", task + "/id"},
                        {"value", "T-" + std::to_string(below(20))}};
        case 17: // a whole agent row, perhaps re-keyed: only the effect shows that
            return Json{{"op", "replace"},
                        {"path", "/agents/{sessionId:S-w" + std::to_string(below(3)) + "}"},
                        {"value", Json{{"sessionId", "S-w" + std::to_string(below(5))},
                                       {"role", "worker"},
                                       {"status", "active"}}}};
        case 18: // a whole task that may become done or lose its gate without a literal op
            return Json{{"op", "replace"},
                        {"path", task},
                        {"value", Json{{"id", task.substr(11, task.size() - 12)},
                                       {"phaseId", "developing"},
                                       {"title", "t"},
                                       {"description", ""},
                                       {"status", "done"},
                                       {"validationGate",
                                        Json{{"required", false}, {"stepIds", Json::array()}}}}}};
        case 0:
            return Json{
                {"op", "replace"}, {"path", task + "/status"}, {"value", kStatuses[below(6)]}};
        case 1:
            return Json{{"op", "replace"}, {"path", task + "/title"}, {"value", text()}};
        case 2:
            return Json{{"op", "add"}, {"path", "/tasks/-"}, {"value", this->task(50 + below(20))}};
        case 3:
            return Json{{"op", "remove"}, {"path", task}};
        case 4: // a whole task, perhaps under another id
            return Json{{"op", "replace"}, {"path", task}, {"value", this->task(below(20))}};
        case 5:
            return Json{{"op", "add"},
                        {"path", "/tasks/{id:T-" + std::to_string(60 + below(5)) + "}"},
                        {"value", this->task(70 + below(5))}};
        case 6:
            return Json{{"op", "move"}, {"from", task + "/title"}, {"path", task + "/summary"}};
        case 7:
            return Json{{"op", "copy"}, {"from", task}, {"path", "/tasks/-"}};
        case 8:
            return Json{{"op", "replace"},
                        {"path", "/tasks/" + std::to_string(below(3)) + "/status"},
                        {"value", "done"}};
        case 9:
            return Json{{"op", "replace"}, {"path", "/leadState/notes"}, {"value", text()}};
        case 10:
            return Json{{"op", "add"},
                        {"path", "/extra" + std::to_string(below(3))},
                        {"value", Json::array({below(5), text()})}};
        case 11:
            return Json{{"op", "remove"}, {"path", "/leadState"}};
        case 12:
            return Json{{"op", "replace"},
                        {"path", "/agents/{sessionId:S-w" + std::to_string(below(3)) + "}/status"},
                        {"value", "active"}};
        case 13:
            return Json{{"op", "test"}, {"path", task + "/status"}, {"value", "done"}};
        case 14:
            return Json{
                {"op", "replace"}, {"path", task + "/validationGate/required"}, {"value", false}};
        case 15:
            return Json{{"op", "add"},
                        {"path", "/userOverrides/-"},
                        {"value", Json{{"scope", "task"}, {"appliedToId", "T-1"}}}};
        default:
            return Json{{"op", "replace"},
                        {"path", task + "/humanOverride"},
                        {"value", Json{{"by", "user"}}}};
        }
    }

    Json patch(const Json &doc)
    {
        Json ops = Json::array();
        const int count = 1 + below(3);
        for (int i = 0; i < count; ++i)
            ops.push_back(op(doc));
        return ops;
    }

    Actor actor()
    {
        switch (below(4)) {
        case 0:
            return Actor{ActorRole::Lead, QStringLiteral("S-lead")};
        case 1:
            return Actor{ActorRole::User, QString()};
        case 2:
            return Actor{ActorRole::Worker, QStringLiteral("S-w%1").arg(below(3))};
        default:
            return Actor{ActorRole::Validator, QStringLiteral("S-v")};
        }
    }

private:
    std::mt19937 m_rng;
};

// What a commit sets besides the patch.
void stamp(Json &doc, int round)
{
    doc["serverGeneration"] = 4 + round;
    doc["updatedAt"] = "2026-11-24T10:00:0" + std::to_string(round % 10) + ".000Z";
    doc["etag"] = "g" + std::to_string(4 + round) + "-0000000" + std::to_string(round % 10);
    doc["history"].push_back(Json{{"etag", doc["etag"]}, {"summary", "patch"}});
}

QByteArray bytes(const std::string &text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

} // namespace

class TestPatchFootprint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layoutWritesWhatTheWriterWrites();
    void rewriteEqualsAFullWriteAcrossCommits();
    void policyLooksWhereThePatchWrote();
    void shapeCheckLooksWhereThePatchWrote();
    void footprintCoversEveryChange();
    void documentChangesAfterAPatchCoverTheComparison();
};

void TestPatchFootprint::layoutWritesWhatTheWriterWrites()
{
    const Json cases[] = {
        Json::object(),
        Json::array({1, 2}),
        Json{{"a", Json::array()}, {"b", Json::object()}, {"c", Json::array({Json::object()})}},
        Json{{"2", "index keys come first"}, {"a", 1}, {"1", 2}},
        Json{{"x", Json::array({Json::array({1, Json::array()}), "s", nullptr, true, 1.5})}},
    };
    for (const Json &doc : cases)
        QCOMPARE(bytes(LaidOutJson::write(doc).text()), bytes(JsonWriter::write(doc)));
    QVERIFY(!LaidOutJson::write(Json{{"2", 1}}).hasLayout()); // JS would reorder: no shortcut
    QVERIFY(LaidOutJson::write(Json{{"a", 1}}).hasLayout());
}

void TestPatchFootprint::rewriteEqualsAFullWriteAcrossCommits()
{
    int rewritten = 0;
    for (int index = 0; index < 300; ++index) {
        const std::uint32_t seed = kSeed + std::uint32_t(index);
        RandomManifests random(seed);
        Json doc = random.manifest();
        LaidOutJson layout = LaidOutJson::write(doc);
        for (int round = 0; round < 8; ++round) {
            const Result<JsonPatch> patch = JsonPatch::fromJson(random.patch(doc));
            QVERIFY(patch.isOk());
            Json next = doc;
            if (!patch->applyInPlace(next).isOk())
                continue;
            stamp(next, round);
            const LaidOutJson again
                = layout.rewrite(next, PatchFootprint(patch.value()),
                                 {"serverGeneration", "updatedAt", "etag", "history"});
            const QByteArray expected = bytes(JsonWriter::write(next));
            if (bytes(again.text()) != expected) {
                QFAIL(qPrintable(QStringLiteral("seed %1 round %2: patch %3")
                                     .arg(seed)
                                     .arg(round)
                                     .arg(QString::fromStdString(patch->toJson().dump()))));
            }
            ++rewritten;
            doc = std::move(next);
            layout = again;
        }
    }
    QVERIFY(rewritten > 1000);
}

void TestPatchFootprint::policyLooksWhereThePatchWrote()
{
    int allowed = 0;
    int refused = 0;
    for (int index = 0; index < 400; ++index) {
        const std::uint32_t seed = kSeed + 1000 + std::uint32_t(index);
        RandomManifests random(seed);
        const Json base = random.manifest();
        for (int round = 0; round < 6; ++round) {
            const Result<JsonPatch> patch = JsonPatch::fromJson(random.patch(base));
            QVERIFY(patch.isOk());
            const Result<Json> result = patch->apply(base);
            if (!result.isOk())
                continue;
            const Actor actor = random.actor();
            const Result<void> quick
                = PatchPolicy::check(base, patch.value(), result.value(), actor);
            const Result<void> full = PatchPolicy::check(base, patch.value(), result.value(), actor,
                                                         PatchPolicy::EffectScope::Everywhere);
            const QString where = QStringLiteral("seed %1 round %2 role %3: %4")
                                      .arg(seed)
                                      .arg(round)
                                      .arg(actorRoleName(actor.role),
                                           QString::fromStdString(patch->toJson().dump()));
            QVERIFY2(quick.isOk() == full.isOk(), qPrintable(where));
            if (quick.isOk()) {
                ++allowed;
                continue;
            }
            ++refused;
            QCOMPARE(quick.error().code, full.error().code);
            QCOMPARE(quick.error().message, full.error().message);
            QVERIFY2(jsonEqual(quick.error().details, full.error().details), qPrintable(where));
        }
    }
    // Both answers occur often enough for the comparison to mean something.
    QVERIFY(allowed > 100);
    QVERIFY(refused > 100);
}

void TestPatchFootprint::shapeCheckLooksWhereThePatchWrote()
{
    int valid = 0;
    int invalid = 0;
    for (int index = 0; index < 300; ++index) {
        const std::uint32_t seed = kSeed + 2000 + std::uint32_t(index);
        RandomManifests random(seed);
        Json base = random.manifest();
        base["validationStrategy"]["checklist"][0]["id"] = "C-1"; // ADE's shape wants one
        if (!ManifestValidator::validateShape(base).isOk())
            continue;
        for (int round = 0; round < 8; ++round) {
            const Result<JsonPatch> patch = JsonPatch::fromJson(random.patch(base));
            QVERIFY(patch.isOk());
            Json next = base;
            if (!patch->applyInPlace(next).isOk())
                continue;
            stamp(next, round);
            const Result<void> quick
                = ManifestValidator::validateShapeChange(next, PatchFootprint(patch.value()));
            const Result<void> full = ManifestValidator::validateShape(next);
            if (quick.isOk() != full.isOk()
                || (!quick.isOk() && quick.error().message != full.error().message)) {
                QFAIL(qPrintable(QStringLiteral("seed %1 round %2: %3")
                                     .arg(seed)
                                     .arg(round)
                                     .arg(QString::fromStdString(patch->toJson().dump()))));
            }
            if (!full.isOk()) {
                ++invalid;
                continue;
            }
            ++valid;
            base = std::move(next); // the next round starts from a valid version again
        }
    }
    QVERIFY(valid > 300);
    QVERIFY(invalid > 50);
}

void TestPatchFootprint::footprintCoversEveryChange()
{
    // Every member of the root that differs after the patch is in the footprint, and every
    // task that differs is named by its key (or the tasks are covered as a whole).
    for (int index = 0; index < 300; ++index) {
        RandomManifests random(kSeed + 2000 + std::uint32_t(index));
        const Json base = random.manifest();
        const Result<JsonPatch> patch = JsonPatch::fromJson(random.patch(base));
        QVERIFY(patch.isOk());
        const Result<Json> result = patch->apply(base);
        if (!result.isOk())
            continue;
        const PatchFootprint footprint(patch.value());
        const PatchFootprint::Node *root = footprint.root();
        for (const auto &[name, value] : result->items()) {
            const auto before = base.find(name);
            if (before != base.end() && jsonEqual(*before, value))
                continue;
            QVERIFY2(root != nullptr && root->child(name) != nullptr, name.c_str());
        }
        const PatchFootprint::Node *tasks = root != nullptr ? root->child("tasks") : nullptr;
        std::vector<std::string_view> written;
        if (tasks == nullptr || !tasks->keyedElements("id", &written))
            continue;
        for (const Json &task : result->at("tasks")) {
            const std::string id = task.value("id", std::string());
            const bool unchanged
                = std::any_of(base.at("tasks").begin(), base.at("tasks").end(),
                              [&](const Json &old) { return jsonEqual(old, task); });
            if (!unchanged)
                QVERIFY2(std::find(written.begin(), written.end(), id) != written.end(),
                         id.c_str());
        }
    }
}

void TestPatchFootprint::documentChangesAfterAPatchCoverTheComparison()
{
    // What a commit's snapshot says changed (from its patch's footprint and the bookkeeping it
    // set) names everything a comparison of the two documents finds: each member that differs,
    // and where it gives element positions, each element that differs among them.
    int withPositions = 0;
    for (int index = 0; index < 300; ++index) {
        RandomManifests random(kSeed + 3000 + std::uint32_t(index));
        const auto base = std::make_shared<const Json>(random.manifest());
        const Result<JsonPatch> patch = JsonPatch::fromJson(random.patch(*base));
        QVERIFY(patch.isOk());
        Result<Json> result = patch->apply(*base);
        if (!result.isOk())
            continue;
        result.value()["etag"] = "g-next";
        const DocumentChanges compared = DocumentChanges::between(base, result.value());
        const DocumentChanges patched = DocumentChanges::afterPatch(
            base, result.value(), PatchFootprint(patch.value()), {"etag"});
        QVERIFY(patched.isRelativeTo(base));
        const auto where = [index](const std::string &name) -> QByteArray {
            return QByteArray::number(index) + ": " + QByteArray::fromStdString(name);
        };
        for (const std::string &name : compared.changedMembers())
            QVERIFY2(patched.mayDiffer(name), where(name).constData());
        const Json *sides[] = {base.get(), &result.value()};
        for (const Json *side : sides) {
            for (auto member = side->begin(); member != side->end(); ++member) {
                const std::vector<std::size_t> *claimed = patched.changedElements(member.key());
                if (!claimed)
                    continue;
                const std::vector<std::size_t> *found = compared.changedElements(member.key());
                QVERIFY2(found, where(member.key()).constData());
                QVERIFY2(
                    std::includes(claimed->begin(), claimed->end(), found->begin(), found->end()),
                    where(member.key()).constData());
                withPositions += claimed->empty() ? 0 : 1;
            }
        }
    }
    QVERIFY(withPositions > 30); // the fast case was exercised, not only the fallbacks
}

QTEST_GUILESS_MAIN(TestPatchFootprint)
#include "tst_patchfootprint.moc"
