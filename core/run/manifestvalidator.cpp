// SPDX-License-Identifier: MIT
//
// ManifestValidator: "is this a v1 manifest?" and ADE's validateManifestShape (bundle format
// §2.5), so that nothing Runboard writes makes ADE's next own write fail its shape check.
//
// Design considerations
// - The rules are ADE's, no more: §2.5 lists them, §2.3 gives the entry types of the
//   service-owned arrays. Fields ADE does not check (phases, decisions, unknown members) are not
//   checked here either; a hand-edited file with extra data must stay writable.
// - Checks run in one fixed order and stop at the first failure, so the same document always
//   gets the same message, and the message reads like ADE's (`manifest.tasks contains duplicate
//   id T-1`) so people who know ADE recognise it.
// - details.path points at the offending value. An element is named by an id predicate
//   (`/tasks/{id:T-2}`) only when that predicate selects exactly that element (it is the first
//   with the id and the id can be written as a predicate); otherwise by its index.
// - Values are only read through find() and the is_*() checks: a wrong type is a validation
//   failure, never an exception. Values quoted in messages are dumped with invalid UTF-8
//   replaced, because dump() would throw on it.
// Thread: stateless; any thread.

#include "manifestvalidator.h"

#include "jsonpointer.h"
#include "manifest.h"

#include <QCoreApplication>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace runboard {

namespace {

// lupdate reads Tr::tr() under the "ManifestValidator" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ManifestValidator)
};

struct Failure
{
    QString message;
    std::string path;
};
using Check = std::optional<Failure>;

// A place in the document: how messages name it and where details.path points.
struct Place
{
    QString label;
    std::string path;
};

const Json *member(const Json &object, const char *key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool isNonEmptyString(const Json *value)
{
    return value && value->is_string() && !value->get_ref<const std::string &>().empty();
}

QString qstr(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString fieldName(const char *field)
{
    return QString::fromLatin1(field);
}

std::string childPath(const std::string &parent, std::string_view token)
{
    return parent + '/' + JsonPointer::escape(token);
}

// How an error path names element `index` of an array: by predicate when its id names exactly
// that element (it is the first with that id and the id can be written as a predicate), else by
// position.
std::string elementToken(std::size_t index, const char *field, const std::string &id,
                         bool firstWithThisId)
{
    if (!firstWithThisId || id.empty() || id.find('}') != std::string::npos)
        return std::to_string(index);
    return '{' + std::string(field) + ':' + id + '}';
}

// A value as it would appear in the file, shortened for a message.
QString describe(const Json &value)
{
    constexpr qsizetype kMaxLength = 60;
    QString text
        = QString::fromStdString(value.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (text.size() > kMaxLength)
        text = text.left(kMaxLength - 1) + QChar(0x2026);
    return text;
}

// "a, b or c"
QString expectedList(std::initializer_list<const char *> values)
{
    QStringList names;
    for (const char *value : values)
        names.append(QString::fromLatin1(value));
    if (names.size() < 2)
        return names.join(QString());
    const QString last = names.takeLast();
    return Tr::tr("%1 or %2").arg(names.join(QStringLiteral(", ")), last);
}

bool isOneOf(const Json *value, std::initializer_list<const char *> values)
{
    if (!value || !value->is_string())
        return false;
    const std::string &text = value->get_ref<const std::string &>();
    for (const char *candidate : values) {
        if (text == candidate)
            return true;
    }
    return false;
}

Failure failAt(const Place &place, const char *field, const QString &what)
{
    return Failure{Tr::tr("%1: %2 %3").arg(place.label, fieldName(field), what),
                   childPath(place.path, field)};
}

Check requireNonEmptyString(const Json &object, const Place &place, const char *field)
{
    if (isNonEmptyString(member(object, field)))
        return std::nullopt;
    return failAt(place, field, Tr::tr("must be a non-empty string"));
}

Check requireString(const Json &object, const Place &place, const char *field)
{
    const Json *value = member(object, field);
    if (value && value->is_string())
        return std::nullopt;
    return failAt(place, field, Tr::tr("must be a string"));
}

Check requireArray(const Json &object, const Place &place, const char *field)
{
    const Json *value = member(object, field);
    if (value && value->is_array())
        return std::nullopt;
    return failAt(place, field, Tr::tr("must be an array"));
}

Check requireOneOf(const Json &object, const Place &place, const char *field,
                   std::initializer_list<const char *> values)
{
    const Json *value = member(object, field);
    if (isOneOf(value, values))
        return std::nullopt;
    if (!value) {
        return failAt(place, field, Tr::tr("is missing (expected %1)").arg(expectedList(values)));
    }
    return failAt(
        place, field,
        Tr::tr("%1 is not valid (expected %2)").arg(describe(*value), expectedList(values)));
}

Check requireInteger(const Json &object, const Place &place, const char *field, qint64 minimum)
{
    const Json *json = member(object, field);
    const std::optional<qint64> value = json ? Manifest::integerValue(*json) : std::nullopt;
    if (value && *value >= minimum)
        return std::nullopt;
    return failAt(place, field, Tr::tr("must be an integer >= %1").arg(QString::number(minimum)));
}

// Runs `checks` in order and returns the first failure.
Check firstFailure(std::initializer_list<std::function<Check()>> checks)
{
    for (const auto &check : checks) {
        if (Check failure = check())
            return failure;
    }
    return std::nullopt;
}

// The entries of one array of objects identified by `idField`: each must be an object with a
// non-empty string id, unique when `uniqueIds`; then `checkEntry` sees it with its label
// (labelFor(id)) and path.
using LabelFor = std::function<QString(const QString &id)>;
using EntryCheck = std::function<Check(const Json &, const Place &)>;

Check checkEntries(const Json &array, const QString &arrayName, const std::string &arrayPath,
                   const char *idField, bool uniqueIds, const LabelFor &labelFor,
                   const EntryCheck &checkEntry)
{
    // Ids seen so far: duplicates and error paths in one pass, not a rescan per element
    // (manifests hold thousands of tasks). Labels and paths are only made for a failure: the
    // checks are pure, so an entry that fails is checked again with its real place to word it.
    static const Place kUnnamed;
    std::unordered_set<std::string_view> seen;
    seen.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
        const Json &entry = array[i];
        const auto indexPath = [&] {
            return childPath(arrayPath, std::to_string(i));
        };
        if (!entry.is_object()) {
            return Failure{Tr::tr("%1[%2] must be an object").arg(arrayName, QString::number(i)),
                           indexPath()};
        }
        const Json *id = member(entry, idField);
        if (!isNonEmptyString(id)) {
            return Failure{
                Tr::tr("%1[%2] has no %3").arg(arrayName, QString::number(i), fieldName(idField)),
                childPath(indexPath(), idField)};
        }
        const std::string &idText = id->get_ref<const std::string &>();
        const bool first = seen.insert(idText).second;
        if (uniqueIds && !first) {
            return Failure{Tr::tr("%1 contains duplicate %2 %3")
                               .arg(arrayName, fieldName(idField), qstr(idText)),
                           childPath(indexPath(), idField)};
        }
        if (checkEntry && checkEntry(entry, kUnnamed)) {
            const Place place{labelFor(qstr(idText)),
                              childPath(arrayPath, elementToken(i, idField, idText, first))};
            return checkEntry(entry, place);
        }
    }
    return std::nullopt;
}

// A label made from a translatable pattern whose %1 is the element's id.
LabelFor labelFormat(const char *pattern)
{
    return [pattern](const QString &id) {
        return Tr::tr(pattern).arg(id);
    };
}

const std::initializer_list<const char *> kPhaseIds
    = {"planning", "developing", "validating", "wrapup"};

Check checkCurrentPhase(const Json &document)
{
    const Json *phase = member(document, "currentPhase");
    if (isOneOf(phase, kPhaseIds))
        return std::nullopt;
    if (!phase) {
        return Failure{
            Tr::tr("manifest.currentPhase is missing (expected %1)").arg(expectedList(kPhaseIds)),
            "/currentPhase"};
    }
    return Failure{Tr::tr("manifest.currentPhase %1 is not valid (expected %2)")
                       .arg(describe(*phase), expectedList(kPhaseIds)),
                   "/currentPhase"};
}

Check checkAgents(const Json &document)
{
    const Json *agents = member(document, "agents");
    if (!agents || !agents->is_array())
        return Failure{Tr::tr("manifest.agents must be an array"), "/agents"};
    if (agents->empty())
        return Failure{Tr::tr("manifest.agents must contain at least one agent"), "/agents"};
    return checkEntries(*agents, QStringLiteral("manifest.agents"), "/agents", "sessionId", true,
                        labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "agent %1")), nullptr);
}

Check checkTask(const Json &task, const Place &place)
{
    const Json *phaseId = member(task, "phaseId");
    if (!isOneOf(phaseId, kPhaseIds)) {
        const QString what
            = phaseId ? Tr::tr("%1 is not a phase (use phaseId, not phase)").arg(describe(*phaseId))
                      : Tr::tr("is missing (use phaseId, not phase)");
        return failAt(place, "phaseId", what);
    }
    if (Check failure = firstFailure({
            [&] { return requireNonEmptyString(task, place, "title"); },
            [&] { return requireString(task, place, "description"); },
            [&] {
                return requireOneOf(
                    task, place, "status",
                    {"pending", "claimed", "in_progress", "review", "done", "failed"});
            },
        })) {
        return failure;
    }
    const Json *gate = member(task, "validationGate");
    if (!gate || !gate->is_object())
        return failAt(place, "validationGate", Tr::tr("must be an object"));
    const auto gatePath = [&] {
        return childPath(place.path, "validationGate");
    };
    const Json *required = member(*gate, "required");
    if (!required || !required->is_boolean()) {
        return Failure{Tr::tr("%1: validationGate.required must be a boolean").arg(place.label),
                       childPath(gatePath(), "required")};
    }
    const Json *stepIds = member(*gate, "stepIds");
    if (!stepIds || !stepIds->is_array()) {
        return Failure{Tr::tr("%1: validationGate.stepIds must be an array").arg(place.label),
                       childPath(gatePath(), "stepIds")};
    }
    return std::nullopt;
}

Check checkTasks(const Json &document)
{
    const Json *tasks = member(document, "tasks");
    if (!tasks || !tasks->is_array())
        return Failure{Tr::tr("manifest.tasks must be an array"), "/tasks"};
    return checkEntries(*tasks, QStringLiteral("manifest.tasks"), "/tasks", "id", true,
                        labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "task %1")), checkTask);
}

Check checkChecklistRun(const Json &run, const Place &place)
{
    return firstFailure({
        [&] { return requireString(run, place, "runBySessionId"); },
        [&] {
            return requireOneOf(run, place, "status", {"running", "passed", "failed"});
        },
        [&] { return requireNonEmptyString(run, place, "startedAt"); },
    });
}

// JavaScript truthiness, which is what ADE's "if set" means for latestRunId.
bool isTruthy(const Json *value)
{
    if (!value || value->is_null())
        return false;
    if (value->is_boolean())
        return value->get<bool>();
    if (value->is_string())
        return !value->get_ref<const std::string &>().empty();
    if (value->is_number())
        return value->get<double>() != 0.0;
    return true;
}

Check checkChecklistItem(const Json &item, const Place &place)
{
    if (Check failure = firstFailure({
            [&] { return requireNonEmptyString(item, place, "stepId"); },
            [&] { return requireArray(item, place, "runs"); },
        })) {
        return failure;
    }
    const Json &runs = *member(item, "runs");
    const std::string runsPath = childPath(place.path, "runs");
    const QString itemLabel = place.label;
    const LabelFor runLabel = [itemLabel](const QString &id) {
        return Tr::tr("%1, run %2").arg(itemLabel, id);
    };
    if (Check failure = checkEntries(runs, Tr::tr("%1: runs").arg(place.label), runsPath, "id",
                                     false, runLabel, checkChecklistRun)) {
        return failure;
    }
    const Json *latest = member(item, "latestRunId");
    if (!isTruthy(latest))
        return std::nullopt;
    if (latest->is_string()) {
        for (const Json &run : runs) {
            const Json *id = member(run, "id");
            if (id && id->is_string() && *id == *latest)
                return std::nullopt;
        }
    }
    return failAt(place, "latestRunId", Tr::tr("%1 names no run").arg(describe(*latest)));
}

Check checkValidationStrategy(const Json &document)
{
    const Json *strategy = member(document, "validationStrategy");
    if (!strategy || !strategy->is_object()) {
        return Failure{Tr::tr("manifest.validationStrategy must be an object with the arrays steps "
                              "and checklist"),
                       "/validationStrategy"};
    }
    const Json *steps = member(*strategy, "steps");
    if (!steps || !steps->is_array()) {
        return Failure{Tr::tr("manifest.validationStrategy.steps must be an array"),
                       "/validationStrategy/steps"};
    }
    const Json *checklist = member(*strategy, "checklist");
    if (!checklist || !checklist->is_array()) {
        return Failure{Tr::tr("manifest.validationStrategy.checklist must be an array"),
                       "/validationStrategy/checklist"};
    }
    return checkEntries(*checklist, QStringLiteral("manifest.validationStrategy.checklist"),
                        "/validationStrategy/checklist", "id", false,
                        labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "checklist item %1")),
                        checkChecklistItem);
}

Check checkPlanningRound(const Json &round, const Place &place)
{
    return firstFailure({
        [&] {
            return requireOneOf(round, place, "kind", {"functional", "ui", "extras"});
        },
        [&] { return requireNonEmptyString(round, place, "question"); },
        [&] { return requireNonEmptyString(round, place, "lockedSummary"); },
    });
}

Check checkPlanning(const Json &document)
{
    const Json *leadState = member(document, "leadState");
    const Json *planning = leadState ? member(*leadState, "planning") : nullptr;
    if (!planning || planning->is_null())
        return std::nullopt;
    const Place place{QStringLiteral("manifest.leadState.planning"), "/leadState/planning"};
    if (!planning->is_object())
        return Failure{Tr::tr("%1 must be an object").arg(place.label), place.path};
    if (Check failure = firstFailure({
            [&] {
                return requireOneOf(*planning, place, "stage",
                                    {"intake", "light_plan", "round_functional", "round_ui",
                                     "round_extras", "rounds_complete", "ready"});
            },
            [&] { return requireArray(*planning, place, "rounds"); },
        })) {
        return failure;
    }
    return checkEntries(*member(*planning, "rounds"),
                        QStringLiteral("manifest.leadState.planning.rounds"),
                        "/leadState/planning/rounds", "id", true,
                        labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "planning round %1")),
                        checkPlanningRound);
}

Check checkLineageEdge(const Json &edge, const Place &place)
{
    return firstFailure({
        [&] { return requireNonEmptyString(edge, place, "parentSessionId"); },
        [&] { return requireNonEmptyString(edge, place, "childSessionId"); },
        [&] {
            return requireOneOf(edge, place, "childRole", {"lead", "worker", "validator"});
        },
        [&] { return requireNonEmptyString(edge, place, "spawnedAt"); },
        [&] { return requireString(edge, place, "spawnEtag"); },
        [&] { return requireString(edge, place, "briefDigest"); },
        [&] {
            return requireOneOf(edge, place, "status",
                                {"running", "completed", "failed", "cancelled", "superseded"});
        },
    });
}

Check checkReceipt(const Json &receipt, const Place &place)
{
    return firstFailure({
        [&] {
            return requireOneOf(receipt, place, "kind", {"spawnAgent", "messageAgent"});
        },
        [&] { return requireNonEmptyString(receipt, place, "createdAt"); },
        [&] {
            return requireOneOf(receipt, place, "status", {"pending", "completed"});
        },
    });
}

Check checkOutboxEntry(const Json &entry, const Place &place)
{
    if (Check failure = firstFailure({
            [&] {
                return requireOneOf(
                    entry, place, "kind",
                    {"brief", "ping", "lead_status", "cancel_interrupt", "completion"});
            },
            [&] { return requireNonEmptyString(entry, place, "targetSessionId"); },
        })) {
        return failure;
    }
    const Json *delivery = member(entry, "delivery");
    if (!delivery || !delivery->is_object())
        return failAt(place, "delivery", Tr::tr("must be an object"));
    const Place deliveryPlace{Tr::tr("%1: delivery").arg(place.label),
                              childPath(place.path, "delivery")};
    return firstFailure({
        [&] {
            return requireOneOf(*delivery, deliveryPlace, "op",
                                {"sendMessage", "steer", "interrupt-replace", "interrupt"});
        },
        [&] {
            return requireOneOf(entry, place, "status",
                                {"pending", "delivering", "delivered", "failed"});
        },
        [&] { return requireInteger(entry, place, "attempts", 0); },
        [&]() -> Check {
            // ADE defaults a missing maxAttempts to 5.
            if (!member(entry, "maxAttempts"))
                return std::nullopt;
            return requireInteger(entry, place, "maxAttempts", 1);
        },
        [&] { return requireNonEmptyString(entry, place, "createdAt"); },
        [&] { return requireNonEmptyString(entry, place, "updatedAt"); },
    });
}

// lineage, receipts and outbox are optional (normalization defaults them to []); when present
// they must be arrays of well-formed entries.
Check checkServiceArray(const Json &document, const char *name, const char *idField,
                        const LabelFor &labelFor, const EntryCheck &checkEntry)
{
    const Json *array = member(document, name);
    if (!array || array->is_null())
        return std::nullopt;
    const QString arrayName = QStringLiteral("manifest.") + fieldName(name);
    const std::string arrayPath = childPath(std::string(), name);
    if (!array->is_array())
        return Failure{Tr::tr("%1 must be an array").arg(arrayName), arrayPath};
    return checkEntries(*array, arrayName, arrayPath, idField, true, labelFor, checkEntry);
}

Error formatError(const QString &what, const std::string &path)
{
    return Error{ErrorCode::Unreadable, Tr::tr("not an ADE v1 manifest: %1").arg(what),
                 Json{{"path", path}}};
}

} // namespace

Result<void> ManifestValidator::checkFormat(const Json &document)
{
    if (!document.is_object())
        return formatError(Tr::tr("the document is not a JSON object"), "");

    const Json *version = member(document, "version");
    if (!version)
        return formatError(Tr::tr("\"version\" is missing"), "/version");
    if (Manifest::integerValue(*version) != 1) {
        return formatError(Tr::tr("\"version\" is %1 (expected 1)").arg(describe(*version)),
                           "/version");
    }

    const Json *runId = member(document, "runId");
    if (!runId)
        return formatError(Tr::tr("\"runId\" is missing"), "/runId");
    if (!isNonEmptyString(runId)) {
        return formatError(
            Tr::tr("\"runId\" is %1 (expected a non-empty string)").arg(describe(*runId)),
            "/runId");
    }

    const Json *etag = member(document, "etag");
    if (!etag)
        return formatError(Tr::tr("\"etag\" is missing"), "/etag");
    if (!etag->is_string()) {
        return formatError(Tr::tr("\"etag\" is %1 (expected a string)").arg(describe(*etag)),
                           "/etag");
    }

    const Json *generation = member(document, "serverGeneration");
    if (!generation)
        return formatError(Tr::tr("\"serverGeneration\" is missing"), "/serverGeneration");
    const std::optional<qint64> value = Manifest::integerValue(*generation);
    if (!value || *value < 0) {
        return formatError(Tr::tr("\"serverGeneration\" is %1 (expected an integer >= 0)")
                               .arg(describe(*generation)),
                           "/serverGeneration");
    }
    return {};
}

Result<void> ManifestValidator::validateShapeChange(const Json &next,
                                                    const PatchFootprint &footprint)
{
    const PatchFootprint::Node *root = footprint.root();
    if (root == nullptr)
        return {}; // only tests: the document is the valid one
    if (root->whole() || !next.is_object())
        return validateShape(next);
    // Each rule reads one member of the root; a rule whose member the patch did not write sees
    // what it saw in the valid base.
    const auto unchanged = [&](const char *name) {
        return root->child(name) == nullptr;
    };
    const auto tasksStillValid = [&]() -> bool {
        // Writes inside tasks only, by id, no id written (a rename names the task again, as a
        // whole: PatchFootprint): every task is where it was with the id it had, so ids stay
        // unique and present, and the tasks nobody wrote into are as they were.
        const PatchFootprint::Node *scope = root->child("tasks");
        std::vector<std::string_view> written;
        if (!scope->keepsChildren() || !scope->keyedElements("id", &written))
            return !checkTasks(next);
        const Json *tasks = member(next, "tasks");
        if (!tasks || !tasks->is_array())
            return false;
        static const Place kUnnamed;
        for (const Json &task : *tasks) {
            const Json *id = member(task, "id");
            if (id && id->is_string()
                && std::find(written.begin(), written.end(), id->get_ref<const std::string &>())
                       != written.end()
                && checkTask(task, kUnnamed))
                return false;
        }
        return true;
    };
    const bool valid
        = (unchanged("currentPhase") || !checkCurrentPhase(next))
          && (unchanged("agents") || !checkAgents(next))
          && (unchanged("tasks") || tasksStillValid())
          && (unchanged("validationStrategy") || !checkValidationStrategy(next))
          && (unchanged("leadState") || !checkPlanning(next))
          && (unchanged("lineage")
              || !checkServiceArray(next, "lineage", "id", labelFormat("%1"), checkLineageEdge))
          && (unchanged("receipts")
              || !checkServiceArray(next, "receipts", "requestId", labelFormat("%1"), checkReceipt))
          && (unchanged("outbox")
              || !checkServiceArray(next, "outbox", "id", labelFormat("%1"), checkOutboxEntry));
    return valid ? Result<void>() : validateShape(next);
}

Result<void> ManifestValidator::validateShape(const Json &document)
{
    const Check failure = [&]() -> Check {
        if (!document.is_object())
            return Failure{Tr::tr("manifest must be a JSON object"), ""};
        return firstFailure({
            [&] { return checkCurrentPhase(document); },
            [&] { return checkAgents(document); },
            [&] { return checkTasks(document); },
            [&] { return checkValidationStrategy(document); },
            [&] { return checkPlanning(document); },
            [&] {
                return checkServiceArray(
                    document, "lineage", "id",
                    labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "lineage edge %1")),
                    checkLineageEdge);
            },
            [&] {
                return checkServiceArray(
                    document, "receipts", "requestId",
                    labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "receipt %1")),
                    checkReceipt);
            },
            [&] {
                return checkServiceArray(
                    document, "outbox", "id",
                    labelFormat(QT_TRANSLATE_NOOP("ManifestValidator", "outbox entry %1")),
                    checkOutboxEntry);
            },
        });
    }();
    if (!failure)
        return {};
    return Error{ErrorCode::ValidationFailed, failure->message, Json{{"path", failure->path}}};
}

} // namespace runboard
