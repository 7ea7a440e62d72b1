// SPDX-License-Identifier: MIT
//
// ChangeWords: what changed between two versions of a manifest, in sentences.
//
// Design considerations
// - One source of truth for "what changed": jsonDiff(from, to). Its operations already address
//   keyed arrays by id (`/tasks/{id:T-3}/status`), so every group's pointers are exactly the
//   diff's paths and every difference lands in some group: the part of the manifest an
//   operation is in decides its topic and subject, and whatever has no words of its own is
//   still said by its path ("/modelRouting/default changed"). A property test holds us to it.
// - Some facts are said once for several operations: a plan approval (state, stamps and the
//   leadState mirror), a validation run (the run, the item's latestRunId), the history (new
//   entries by etag, read from the two documents, not from the ring's shifting positions).
// - Sentences are for people: ids, never indices; statuses and other identifiers bare
//   ("status in_progress → review"), free text quoted ('Fix login'), every value on one line and
//   cut to Options::valueLimit. Manifest text is untrusted and only ever quoted.
// - Order is stable and meaningful: topics in a fixed order, keyed elements in the order the
//   newer version lists them (removed ones after), the rest in the order the diff met them.
// - Cost: the diff (a walk over both documents), then work per changed place; the position of
//   an element is looked up only for groups that exist.
// Thread: stateless; callable from any thread.

#include "changewords.h"

#include "jsondiff.h"
#include "jsonpatch.h"
#include "jsonpointer.h"
#include "jsonwriter.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace runboard {

namespace {

using Topic = ChangeGroup::Topic;
using Operation = JsonPatch::Operation;
using OpKind = Operation::Kind;
using Tokens = std::vector<std::string>;

// lupdate reads Tr::tr() under the "ChangeWords" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ChangeWords)
};

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

const Json *member(const Json *object, std::string_view key)
{
    if (object == nullptr || !object->is_object())
        return nullptr;
    const auto found = object->find(key);
    return found == object->end() ? nullptr : &*found;
}

std::string_view stringOf(const Json *value)
{
    return value != nullptr && value->is_string()
               ? std::string_view(value->get_ref<const std::string &>())
               : std::string_view();
}

QString oneLine(QString text)
{
    for (QChar &c : text) {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            c = u' ';
    }
    return text;
}

QString cut(const QString &text, int limit)
{
    limit = std::max(limit, 1);
    if (text.size() <= limit)
        return text;
    return text.left(limit - 1) + QChar(0x2026);
}

// Members whose values are identifiers, states or times: shown bare ("status pending → done").
bool isBareField(std::string_view name)
{
    static constexpr std::string_view kBare[] = {
        "status",
        "assigneeSessionId",
        "phaseId",
        "priority",
        "estimatedComplexity",
        "tag",
        "role",
        "currentPhase",
        "currentStepId",
        "currentAttemptId",
        "supersededBy",
        "latestRunId",
        "state",
        "scope",
        "kind",
        "source",
        "mode",
        "appliedToId",
        "runBySessionId",
        "stepId",
        "taskId",
        "id",
        "sessionId",
        "outcome",
        "severity",
        "stage",
        "approval",
        "concern",
        "routingKey",
        "provider",
        "modelId",
        "reasoningEffort",
        "targetSessionId",
        "etag",
        "parentSessionId",
        "childSessionId",
        "childRole",
        "approvedBySessionId",
        "planApprovedBySessionId",
        "lastSnapshotEtag",
        "fromStatus",
        "toStatus",
    };
    if (std::find(std::begin(kBare), std::end(kBare), name) != std::end(kBare))
        return true;
    const auto endsWith = [name](std::string_view suffix) {
        return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
    };
    return endsWith("At") || endsWith("Until") || name == "serverGeneration";
}

QString bareValue(const Json *value, int limit)
{
    if (value != nullptr && value->is_string())
        return cut(oneLine(fromUtf8(value->get_ref<const std::string &>())), limit);
    return ChangeWords::shortValue(value, limit);
}

// The value of a predicate token, or "" when the token is none.
std::string_view predicateValue(std::string_view token)
{
    std::string_view field;
    std::string_view value;
    return JsonPointer::parsePredicate(token, &field, &value) ? value : std::string_view();
}

bool isIndex(std::string_view token)
{
    return !token.empty()
           && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A relative path for a sentence: members joined by ".", elements as [id] or [index].
QString fieldLabel(Tokens::const_iterator begin, Tokens::const_iterator end)
{
    QString label;
    for (auto it = begin; it != end; ++it) {
        const std::string &token = *it;
        if (token == "-")
            continue;
        const std::string_view key = predicateValue(token);
        if (!key.empty() || isIndex(token)) {
            label += u'[' + fromUtf8(key.empty() ? std::string_view(token) : key) + u']';
            continue;
        }
        if (!label.isEmpty())
            label += u'.';
        label += token == "assigneeSessionId" ? Tr::tr("assignee") : fromUtf8(token);
    }
    return label;
}

QString arrow()
{
    return QStringLiteral(" \u2192 ");
}

struct Detail
{
    QString full;
    QString brief;
};

// Arrays whose elements are subjects of their own, and how a subject is named.
struct Collection
{
    std::string_view name;
    Topic topic;
    const char *subject; // translated (QT_TRANSLATE_NOOP marks it)
};

constexpr Collection kCollections[] = {
    {"phases", Topic::Phase, QT_TRANSLATE_NOOP("ChangeWords", "Phase %1")},
    {"tasks", Topic::Task, "%1"},
    {"agents", Topic::Agent, "%1"},
    {"decisions", Topic::Decision, QT_TRANSLATE_NOOP("ChangeWords", "Decision %1")},
    {"userOverrides", Topic::UserOverride, QT_TRANSLATE_NOOP("ChangeWords", "Override %1")},
    {"assets", Topic::Asset, QT_TRANSLATE_NOOP("ChangeWords", "Asset %1")},
};

struct PendingLatestRun
{
    Detail detail;
    std::string pointer;
    std::string runId;
};

// One group on its way out, with what orders it.
struct Draft
{
    ChangeGroup group;
    qint64 rank = 0;
    std::size_t sequence = 0;
    std::unordered_set<std::string> runsAdded; // Validation: runs said "run R passed"
    std::optional<PendingLatestRun> latestRun; // Validation: the item's latestRunId changed
};

class Describer
{
public:
    Describer(const Json &from, const Json &to, const ChangeWords::Options &options)
        : m_from(from), m_to(to), m_options(options)
    {}

    QList<ChangeGroup> describe()
    {
        const JsonPatch diff = jsonDiff(m_from, m_to);
        for (const Operation &op : diff.operations())
            take(op);
        finishLatestRuns();
        finishPlanApproval();
        finishHistory();
        std::stable_sort(m_drafts.begin(), m_drafts.end(), [](const Draft &a, const Draft &b) {
            return std::tuple(int(a.group.topic), a.rank, a.sequence)
                   < std::tuple(int(b.group.topic), b.rank, b.sequence);
        });
        QList<ChangeGroup> groups;
        groups.reserve(qsizetype(m_drafts.size()));
        for (Draft &draft : m_drafts)
            groups.push_back(std::move(draft.group));
        return groups;
    }

private:
    // ---- groups

    Draft &group(Topic topic, const QString &subject, qint64 rank, const std::string &key)
    {
        const auto found = m_byKey.find(key);
        if (found != m_byKey.end())
            return m_drafts[found->second];
        Draft draft;
        draft.group.topic = topic;
        draft.group.subject = subject;
        draft.rank = rank;
        draft.sequence = m_drafts.size();
        m_byKey.emplace(key, m_drafts.size());
        m_drafts.push_back(std::move(draft));
        return m_drafts.back();
    }

    static void say(Draft &draft, const Detail &detail, const std::string &pointer)
    {
        if (!detail.full.isEmpty()) {
            draft.group.details << detail.full;
            draft.group.briefs << detail.brief;
        }
        draft.group.pointers.push_back(pointer);
    }

    int limit() const { return m_options.valueLimit; }

    QString valueText(const Json *value, bool bare) const
    {
        return bare ? bareValue(value, limit()) : ChangeWords::shortValue(value, limit());
    }

    // "label old → new" / "label → new".
    Detail changed(const QString &label, const Json *before, const Json *after, bool bare) const
    {
        const QString now = valueText(after, bare);
        return {label + u' ' + valueText(before, bare) + arrow() + now, label + arrow() + now};
    }

    // ---- where an element stands

    const Json *arrayAt(const Json &document, const Tokens &tokens, std::size_t length) const
    {
        const Json *node = JsonPointer::fromTokens(
                               Tokens(tokens.begin(), tokens.begin() + std::ptrdiff_t(length)))
                               .find(document);
        return node != nullptr && node->is_array() ? node : nullptr;
    }

    // The element a token names, looked for in `to` first (in `from` first when asked).
    const Json *element(const Tokens &tokens, std::size_t at, bool fromFirst) const
    {
        for (const Json *document :
             fromFirst ? std::array{&m_from, &m_to} : std::array{&m_to, &m_from}) {
            const Json *array = arrayAt(*document, tokens, at);
            if (array == nullptr)
                continue;
            const JsonPointer::ArrayPosition position = JsonPointer::locate(*array, tokens[at]);
            if (position.exists && position.index < array->size())
                return &(*array)[position.index];
        }
        return nullptr;
    }

    // What to call the element a token names: its id, else "#index".
    QString elementName(const Tokens &tokens, std::size_t at, bool fromFirst) const
    {
        const std::string_view key = predicateValue(tokens[at]);
        if (!key.empty())
            return fromUtf8(key);
        if (const Json *found = element(tokens, at, fromFirst)) {
            const std::string token = jsonElementKeyToken(*found);
            if (!token.empty())
                return fromUtf8(predicateValue(token));
        }
        return u'#' + fromUtf8(tokens[at]);
    }

    // Where the element stands: its index in `to`, else after all of `to`, at its index in
    // `from` (a removed element).
    qint64 rankOf(const Tokens &tokens, std::size_t at) const
    {
        std::string token = tokens[at];
        if (predicateValue(token).empty()) {
            if (const Json *found = element(tokens, at, false)) {
                if (std::string key = jsonElementKeyToken(*found); !key.empty())
                    token = std::move(key);
            }
        }
        qint64 offset = 0;
        for (const Json *document : {&m_to, &m_from}) {
            if (const Json *array = arrayAt(*document, tokens, at)) {
                const JsonPointer::ArrayPosition position = JsonPointer::locate(*array, token);
                if (position.exists)
                    return offset + qint64(position.index);
                offset += qint64(array->size());
            }
        }
        return offset;
    }

    // ---- operations

    struct Values
    {
        const Json *before = nullptr;
        const Json *after = nullptr;
        bool insertion = false; // an element added to an array
        bool removal = false;   // an element removed from an array
    };

    Values valuesOf(const Operation &op) const
    {
        Values values;
        const bool inArray = !op.path.isRoot()
                             && (op.kind == OpKind::Add ? isArray(op.path.parent().find(m_to))
                                                        : isArray(op.path.parent().find(m_from)));
        if (op.kind != OpKind::Add || !inArray)
            values.before = op.kind == OpKind::Add ? nullptr : op.path.find(m_from);
        if (op.kind != OpKind::Remove)
            values.after = &op.value;
        values.insertion = op.kind == OpKind::Add && inArray;
        values.removal = op.kind == OpKind::Remove && inArray;
        return values;
    }

    static bool isArray(const Json *value) { return value != nullptr && value->is_array(); }

    void take(const Operation &op)
    {
        const Tokens &tokens = op.path.tokens();
        const std::string pointer = op.path.toString();
        if (tokens.empty()) {
            say(group(Topic::Other, QString(), 0, "other:"),
                {Tr::tr("the whole document was replaced"),
                 Tr::tr("the whole document was replaced")},
                pointer);
            return;
        }
        const std::string &top = tokens[0];
        if (top == "etag" || top == "serverGeneration" || top == "updatedAt") {
            if (m_options.includeBookkeeping)
                runField(op, pointer);
            return;
        }
        if (top == "history") {
            m_historyTouched = true;
            return;
        }
        if (top == "currentPhase" && tokens.size() == 1) {
            const Values values = valuesOf(op);
            const QString now = bareValue(values.after, limit());
            say(group(Topic::Phase, QString(), -1, "phase:current"),
                {Tr::tr("Phase %1").arg(bareValue(values.before, limit())) + arrow() + now,
                 Tr::tr("Phase") + arrow() + now},
                pointer);
            return;
        }
        if (top == "validationStrategy")
            return validation(op, pointer);
        for (const Collection &known : kCollections) {
            if (top == known.name)
                return collection(op, pointer, known.topic, Tr::tr(known.subject));
        }
        if (top == "planSpec"
            || (top == "leadState" && tokens.size() >= 2
                && (tokens[1].rfind("planApprov", 0) == 0 || tokens[1] == "planning"))) {
            return plan(op, pointer);
        }
        static constexpr std::array<std::string_view, 8> kRunFields
            = {"title",   "goalSummary", "laneId",     "runId",
               "version", "createdAt",   "bundlePath", "leadState"};
        if (std::find(kRunFields.begin(), kRunFields.end(), top) != kRunFields.end())
            return runField(op, pointer);
        other(op, pointer);
    }

    void runField(const Operation &op, const std::string &pointer)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        say(group(Topic::Run, Tr::tr("Run"), 0, "run"), fieldDetail(tokens, 0, values), pointer);
    }

    // A change inside a subject, named by the tokens from `first` on.
    Detail fieldDetail(const Tokens &tokens, std::size_t first, const Values &values) const
    {
        const auto begin = tokens.begin() + std::ptrdiff_t(first);
        const QString label = fieldLabel(begin, tokens.end());
        if (values.insertion) {
            const QString array = fieldLabel(begin, tokens.end() - 1);
            const QString added = array + u' ' + Tr::tr("added") + u' '
                                  + ChangeWords::shortValue(values.after, limit());
            return {added, added};
        }
        if (values.removal) {
            const QString removed = label + u' ' + Tr::tr("removed");
            return {removed, removed};
        }
        // The member whose kind of value decides bare or quoted: the last name in the path.
        std::string_view name;
        for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
            if (predicateValue(*it).empty() && !isIndex(*it) && *it != "-") {
                name = *it;
                break;
            }
        }
        const bool bare = isBareField(name)
                          && (values.after == nullptr || !values.after->is_structured())
                          && (values.before == nullptr || !values.before->is_structured());
        return changed(label, values.before, values.after, bare);
    }

    // Arrays of elements that are subjects of their own (tasks, agents, phases, ...).
    void collection(const Operation &op, const std::string &pointer, Topic topic,
                    const QString &subjectForm)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        if (tokens.size() == 1) {
            say(group(topic, QString(), -1, tokens[0]), wholeDetail(op, values), pointer);
            return;
        }
        collectionElement(op, pointer, topic, subjectForm, 1);
    }

    // An element of a collection at tokens[at] (the array is tokens[0..at)).
    void collectionElement(const Operation &op, const std::string &pointer, Topic topic,
                           const QString &subjectForm, std::size_t at)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        const bool removed = op.kind == OpKind::Remove;
        const QString name = elementName(tokens, at, removed);
        qint64 rank = 0;
        if (tokens[at] == "-" && values.after != nullptr
            && !jsonElementKeyToken(*values.after).empty()) {
            Tokens named(tokens.begin(), tokens.begin() + std::ptrdiff_t(at) + 1);
            named[at] = jsonElementKeyToken(*values.after);
            rank = rankOf(named, at);
        } else {
            rank = rankOf(tokens, at);
        }
        const std::string key
            = JsonPointer::fromTokens(Tokens(tokens.begin(), tokens.begin() + std::ptrdiff_t(at)))
                  .toString()
              + std::string("\x01") + name.toStdString();
        if (tokens.size() == at + 1 && tokens[at] == "-" && values.after != nullptr) {
            // An append: named by the key it carries.
            const std::string keyToken = jsonElementKeyToken(*values.after);
            const QString added = keyToken.empty() ? QString() : fromUtf8(predicateValue(keyToken));
            return elementAdded(op, pointer, topic, subjectForm, at, added, rank);
        }
        if (tokens.size() == at + 1) {
            if (values.insertion)
                return elementAdded(op, pointer, topic, subjectForm, at, name, rank);
            if (removed) {
                if (standsAlone(topic)) {
                    const QString text = subjectForm.arg(name) + u' ' + Tr::tr("removed");
                    say(group(topic, QString(), rank, key), {text, text}, pointer);
                } else {
                    say(group(topic, subjectForm.arg(name), rank, key),
                        {Tr::tr("removed"), Tr::tr("removed")}, pointer);
                }
                return;
            }
            say(group(topic, subjectForm.arg(name), rank, key),
                {Tr::tr("replaced"), Tr::tr("replaced")}, pointer);
            return;
        }
        Draft &draft = group(topic, subjectForm.arg(name), rank, key);
        if (std::optional<Detail> special = elementField(topic, tokens, at, values)) {
            say(draft, *special, pointer);
            return;
        }
        say(draft, fieldDetail(tokens, at + 1, values), pointer);
    }

    static bool standsAlone(Topic topic)
    {
        return topic == Topic::Decision || topic == Topic::UserOverride || topic == Topic::Asset;
    }

    void elementAdded(const Operation &op, const std::string &pointer, Topic topic,
                      const QString &subjectForm, std::size_t at, const QString &name, qint64 rank)
    {
        const Tokens &tokens = op.path.tokens();
        const Json *value = &op.value;
        const QString shown = name.isEmpty() ? Tr::tr("an element") : name;
        const std::string key
            = JsonPointer::fromTokens(Tokens(tokens.begin(), tokens.begin() + std::ptrdiff_t(at)))
                  .toString()
              + std::string("\x01") + shown.toStdString();
        QString text;
        switch (topic) {
        case Topic::Decision: {
            const Json *summary = value->is_string() ? value : member(value, "summary");
            text = name.isEmpty() ? Tr::tr("Decision recorded: %1")
                                        .arg(ChangeWords::shortValue(summary, limit()))
                                  : Tr::tr("Decision %1 recorded: %2")
                                        .arg(name, ChangeWords::shortValue(summary, limit()));
            break;
        }
        case Topic::UserOverride: {
            const Json *instruction = value->is_string() ? value : member(value, "instruction");
            text = name.isEmpty() ? Tr::tr("Override recorded: %1")
                                        .arg(ChangeWords::shortValue(instruction, limit()))
                                  : Tr::tr("Override %1 recorded: %2")
                                        .arg(name, ChangeWords::shortValue(instruction, limit()));
            const std::string_view scope = stringOf(member(value, "scope"));
            const std::string_view target = stringOf(member(value, "appliedToId"));
            if (!scope.empty() && !target.empty())
                text += QStringLiteral(" (%1 %2)").arg(fromUtf8(scope), fromUtf8(target));
            break;
        }
        case Topic::Asset: {
            text = Tr::tr("Asset %1 added: %2 %3")
                       .arg(shown, bareValue(member(value, "kind"), limit()),
                            ChangeWords::shortValue(member(value, "path"), limit()));
            break;
        }
        default:
            break;
        }
        if (!text.isEmpty()) {
            const QString brief = topic == Topic::Asset ? Tr::tr("Asset %1 added").arg(shown)
                                  : name.isEmpty()
                                      ? text.section(u':', 0, 0)
                                      : subjectForm.arg(name) + u' ' + Tr::tr("recorded");
            say(group(topic, QString(), rank, key), {text, brief}, pointer);
            return;
        }
        Draft &draft = group(topic, subjectForm.arg(shown), rank, key);
        if (topic == Topic::Validation && isChecklistItem(tokens, at)) {
            // A new checklist item: said by its runs.
            const Json *runs = member(value, "runs");
            bool said = false;
            if (isArray(runs)) {
                for (const Json &run : *runs) {
                    say(draft, runDetail(run), pointer);
                    draft.runsAdded.emplace(stringOf(member(&run, "id")));
                    said = true;
                }
            }
            if (!said)
                say(draft, {Tr::tr("added"), Tr::tr("added")}, pointer);
            return;
        }
        say(draft, {Tr::tr("added"), Tr::tr("added")}, pointer);
    }

    // The few fields with words of their own.
    std::optional<Detail> elementField(Topic topic, const Tokens &tokens, std::size_t at,
                                       const Values &values) const
    {
        if (tokens.size() != at + 2)
            return std::nullopt;
        const std::string &field = tokens[at + 1];
        const auto isTrue = [](const Json *value) {
            return value != nullptr && value->is_boolean() && value->get<bool>();
        };
        if (topic == Topic::Task && field == "humanOverride") {
            if (values.after == nullptr) {
                const QString text = Tr::tr("human override removed");
                return Detail{text, text};
            }
            const Json *reason = member(values.after, "reason");
            const QString text
                = reason != nullptr
                      ? Tr::tr("human override %1").arg(ChangeWords::shortValue(reason, limit()))
                      : Tr::tr("human override");
            return Detail{text, Tr::tr("human override")};
        }
        if (topic == Topic::Agent && field == "cancellationRequested") {
            const QString text = isTrue(values.after) ? Tr::tr("cancellation requested")
                                                      : Tr::tr("cancellation withdrawn");
            return Detail{text, text};
        }
        if (topic == Topic::Agent && field == "stalled") {
            if (isTrue(values.after))
                return Detail{Tr::tr("stalled"), Tr::tr("stalled")};
            if (isTrue(values.before))
                return Detail{Tr::tr("no longer stalled"), Tr::tr("no longer stalled")};
        }
        return std::nullopt;
    }

    Detail wholeDetail(const Operation &op, const Values &values) const
    {
        const QString path = op.path.toDisplayString();
        if (values.before == nullptr && values.after != nullptr) {
            const QString text = Tr::tr("%1 added").arg(path);
            return {text, text};
        }
        if (values.after == nullptr) {
            const QString text = Tr::tr("%1 removed").arg(path);
            return {text, text};
        }
        if (!values.before->is_structured() && !values.after->is_structured())
            return changed(path, values.before, values.after, false);
        const QString text = Tr::tr("%1 changed").arg(path);
        return {text, text};
    }

    // ---- validation

    static bool isChecklistItem(const Tokens &tokens, std::size_t at)
    {
        return at == 2 && tokens[1] == "checklist";
    }

    Detail runDetail(const Json &run) const
    {
        const QString id = bareValue(member(&run, "id"), limit());
        const std::string_view status = stringOf(member(&run, "status"));
        QString word;
        if (status == "passed")
            word = Tr::tr("passed");
        else if (status == "failed")
            word = Tr::tr("failed");
        else if (status == "running")
            word = Tr::tr("started");
        else
            word = bareValue(member(&run, "status"), limit());
        const QString text = Tr::tr("run %1 %2").arg(id, word);
        return {text, text};
    }

    void validation(const Operation &op, const std::string &pointer)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        if (tokens.size() >= 2 && tokens[1] == "steps" && tokens.size() >= 3)
            return collectionElement(op, pointer, Topic::Validation, Tr::tr("Step %1"), 2);
        if (tokens.size() < 3 || tokens[1] != "checklist") {
            say(group(Topic::Validation, QString(), -1, "validation:" + pointer),
                wholeDetail(op, values), pointer);
            return;
        }
        // A checklist item, its runs and latestRunId.
        if (tokens.size() == 3 || tokens[3] != "runs" || tokens.size() < 5) {
            if (tokens.size() == 4 && tokens[3] == "latestRunId") {
                // Said with the run it names, if this version adds that run: decided once the
                // item's runs are all read (finishLatestRuns()).
                const QString name = elementName(tokens, 2, false);
                const std::string key = "/validationStrategy/checklist\x01" + name.toStdString();
                Draft &draft = group(Topic::Validation, name, rankOf(tokens, 2), key);
                draft.latestRun = PendingLatestRun{fieldDetail(tokens, 3, values), pointer,
                                                   std::string(stringOf(values.after))};
                return;
            }
            return collectionElement(op, pointer, Topic::Validation, QStringLiteral("%1"), 2);
        }
        const QString name = elementName(tokens, 2, op.kind == OpKind::Remove);
        const std::string key = "/validationStrategy/checklist\x01" + name.toStdString();
        Draft &draft = group(Topic::Validation, name, rankOf(tokens, 2), key);
        if (tokens.size() == 5) {
            if (values.insertion && values.after != nullptr) {
                say(draft, runDetail(*values.after), pointer);
                draft.runsAdded.emplace(stringOf(member(values.after, "id")));
                return;
            }
            if (values.removal) {
                const QString text = Tr::tr("run %1 removed").arg(elementName(tokens, 4, true));
                say(draft, {text, text}, pointer);
                return;
            }
        }
        if (tokens.size() == 6 && tokens[5] == "status") {
            const QString run = elementName(tokens, 4, false);
            say(draft, changed(Tr::tr("run %1").arg(run), values.before, values.after, true),
                pointer);
            return;
        }
        say(draft, fieldDetail(tokens, 3, values), pointer);
    }

    void finishLatestRuns()
    {
        for (Draft &draft : m_drafts) {
            if (!draft.latestRun)
                continue;
            const bool said = draft.runsAdded.count(draft.latestRun->runId) != 0;
            say(draft, said ? Detail() : draft.latestRun->detail, draft.latestRun->pointer);
        }
    }

    // ---- plan

    bool isApprovalPlace(const Tokens &tokens) const
    {
        if (tokens[0] == "planSpec")
            return tokens.size() == 1 || tokens[1] == "approval";
        return tokens[1].rfind("planApprov", 0) == 0;
    }

    void plan(const Operation &op, const std::string &pointer)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        if (isApprovalPlace(tokens)) {
            Draft &draft = group(Topic::Plan, QString(), -1, "plan:approval");
            say(draft, fieldDetail(tokens, 0, values), pointer);
            m_approvalTouched = true;
            return;
        }
        if (tokens[0] == "leadState") {
            // leadState/planning/...: the planning interview.
            Draft &draft = group(Topic::Plan, Tr::tr("Planning"), 0, "plan:planning");
            say(draft, fieldDetail(tokens, tokens.size() > 2 ? 2 : 1, values), pointer);
            return;
        }
        if (tokens.size() >= 3 && tokens[1] == "sections")
            return collectionElement(op, pointer, Topic::Plan, Tr::tr("Plan section %1"), 2);
        say(group(Topic::Plan, Tr::tr("Plan"), 0, "plan:other"), fieldDetail(tokens, 1, values),
            pointer);
    }

    static QString approvalState(const Json &manifest)
    {
        const std::string_view state
            = stringOf(member(member(member(&manifest, "planSpec"), "approval"), "state"));
        if (!state.empty())
            return fromUtf8(state);
        // ADE seeds a legacy run with only planApprovedAt as approved (bundle format §2.4).
        const std::string_view approvedAt
            = stringOf(member(member(&manifest, "leadState"), "planApprovedAt"));
        return approvedAt.empty() ? QString() : QStringLiteral("approved");
    }

    // The approval is one fact however many members say it.
    void finishPlanApproval()
    {
        if (!m_approvalTouched)
            return;
        Draft &draft = m_drafts[m_byKey.at("plan:approval")];
        const QString before = approvalState(m_from);
        const QString after = approvalState(m_to);
        if (before == after)
            return;
        QString text;
        QString brief;
        if (after == QStringLiteral("approved")) {
            std::string_view by = stringOf(
                member(member(member(&m_to, "planSpec"), "approval"), "approvedBySessionId"));
            if (by.empty())
                by = stringOf(member(member(&m_to, "leadState"), "planApprovedBySessionId"));
            text = by.empty()
                       ? Tr::tr("Plan approved")
                       : Tr::tr("Plan approved by %1").arg(cut(oneLine(fromUtf8(by)), limit()));
            brief = text;
        } else {
            const Json beforeValue = before.isEmpty() ? Json() : Json(before.toStdString());
            const Json afterValue = after.isEmpty() ? Json() : Json(after.toStdString());
            const Detail detail = changed(Tr::tr("Plan approval"), &beforeValue, &afterValue, true);
            text = detail.full;
            brief = detail.brief;
        }
        draft.group.details = QStringList{text};
        draft.group.briefs = QStringList{brief};
    }

    // ---- history

    static QString entryLabel(const Json &entry, int limit)
    {
        const QString summary = oneLine(fromUtf8(stringOf(member(&entry, "summary"))));
        const QString kinds = oneLine(fromUtf8(stringOf(member(&entry, "patchKindSummary"))));
        QString label;
        const QString author = ChangeWords::historyAuthor(entry);
        if (!author.isEmpty() && kinds.startsWith(author + QStringLiteral(": ")))
            label = kinds.mid(author.size() + 2);
        else if (!summary.isEmpty() && summary != QStringLiteral("patch"))
            label = summary;
        else if (!kinds.isEmpty())
            label = summary.isEmpty() ? kinds : summary + u' ' + kinds;
        else
            label = summary.isEmpty() ? Tr::tr("(no summary)") : summary;
        label = cut(label, limit);
        return author.isEmpty() ? label : label + QStringLiteral(" (") + author + u')';
    }

    void finishHistory()
    {
        if (!m_historyTouched)
            return;
        const Json *before = member(&m_from, "history");
        const Json *after = member(&m_to, "history");
        std::unordered_map<std::string_view, const Json *> known;
        if (isArray(before)) {
            for (const Json &entry : *before) {
                const std::string_view etag = stringOf(member(&entry, "etag"));
                if (!etag.empty())
                    known.emplace(etag, &entry);
            }
        }
        QStringList labels;
        bool rewritten = false;
        if (isArray(after)) {
            for (const Json &entry : *after) {
                const auto found = known.find(stringOf(member(&entry, "etag")));
                if (found == known.end())
                    labels << entryLabel(entry, limit());
                else if (!jsonEqual(*found->second, entry))
                    rewritten = true;
            }
        }
        Draft &draft = group(Topic::History, QString(), 0, "history");
        if (!labels.isEmpty()) {
            constexpr qsizetype kListed = 5;
            QString list = QStringList(labels.mid(0, kListed)).join(QStringLiteral(", "));
            if (labels.size() > kListed)
                list += u' ' + Tr::tr("and %1 more").arg(labels.size() - kListed);
            const QString brief = labels.size() == 1
                                      ? Tr::tr("+1 history entry")
                                      : Tr::tr("+%1 history entries").arg(labels.size());
            say(draft, {brief + QStringLiteral(": ") + list, brief}, "/history");
        }
        if (rewritten || labels.isEmpty()) {
            const QString text = rewritten ? Tr::tr("earlier history entries changed")
                                           : Tr::tr("earlier history entries removed");
            say(draft, {text, text}, "/history");
        }
        draft.group.pointers.erase(
            std::unique(draft.group.pointers.begin(), draft.group.pointers.end()),
            draft.group.pointers.end());
    }

    // ---- everything else, by path

    void other(const Operation &op, const std::string &pointer)
    {
        const Tokens &tokens = op.path.tokens();
        const Values values = valuesOf(op);
        Draft &draft = group(Topic::Other, QString(), 0, "other:" + tokens[0]);
        // Said for the first two levels: "/modelRouting/default changed".
        Tokens place(tokens.begin(),
                     tokens.begin() + std::ptrdiff_t(std::min<std::size_t>(2, tokens.size())));
        if (values.insertion && tokens.size() <= 2 && values.after != nullptr) {
            const std::string key = jsonElementKeyToken(*values.after);
            if (!key.empty())
                place.back() = key;
        }
        const std::string placeText = JsonPointer::fromTokens(place).toString();
        if (!m_otherPlaces.insert(placeText).second) {
            say(draft, {}, pointer);
            return;
        }
        const QString path = JsonPointer::fromTokens(place).toDisplayString();
        if (tokens.size() <= 2) {
            if (values.insertion || (values.before == nullptr && values.after != nullptr)) {
                const QString text = Tr::tr("%1 added").arg(path);
                return say(draft, {text, text}, pointer);
            }
            if (values.after == nullptr) {
                const QString text = Tr::tr("%1 removed").arg(path);
                return say(draft, {text, text}, pointer);
            }
            if (!values.before->is_structured() && !values.after->is_structured())
                return say(draft, changed(path, values.before, values.after, false), pointer);
        }
        const QString text = Tr::tr("%1 changed").arg(path);
        say(draft, {text, text}, pointer);
    }

    const Json &m_from;
    const Json &m_to;
    const ChangeWords::Options &m_options;
    std::vector<Draft> m_drafts;
    std::unordered_map<std::string, std::size_t> m_byKey;
    std::unordered_set<std::string> m_otherPlaces;
    bool m_historyTouched = false;
    bool m_approvalTouched = false;
};

} // namespace

QString ChangeGroup::sentence() const
{
    const QString said = details.join(QStringLiteral("; "));
    return subject.isEmpty() ? said : subject + QStringLiteral(": ") + said;
}

QList<ChangeGroup> ChangeWords::describe(const Json &from, const Json &to, const Options &options)
{
    return Describer(from, to, options).describe();
}

QList<ChangeGroup> ChangeWords::describe(const Json &from, const Json &to)
{
    return describe(from, to, Options());
}

QStringList ChangeWords::sentences(const QList<ChangeGroup> &groups)
{
    QStringList out;
    out.reserve(groups.size());
    for (const ChangeGroup &group : groups)
        out << group.sentence();
    return out;
}

QString ChangeWords::summaryLine(const QList<ChangeGroup> &groups, int maxLength)
{
    const bool onlyHistory = std::all_of(groups.begin(), groups.end(), [](const ChangeGroup &g) {
        return g.topic == Topic::History;
    });
    QStringList phrases;
    QStringList subjects;
    for (const ChangeGroup &group : groups) {
        if (group.topic == Topic::History && !onlyHistory)
            continue;
        const QString subject = group.subject.isEmpty() ? QString() : group.subject;
        for (const QString &brief : group.briefs)
            phrases << (subject.isEmpty() ? brief : subject + u' ' + brief);
        const QString named
            = subject.isEmpty() && !group.briefs.isEmpty() ? group.briefs.first() : subject;
        if (!named.isEmpty() && !subjects.contains(named))
            subjects << named;
    }
    constexpr qsizetype kJoinedAtMost = 3;
    QString line = phrases.join(QStringLiteral("; "));
    if (phrases.size() > 1 && (phrases.size() > kJoinedAtMost || line.size() > maxLength)) {
        line = Tr::tr("%1 changes: %2")
                   .arg(QString::number(phrases.size()), subjects.join(QStringLiteral(", ")));
    }
    return cut(line, maxLength);
}

QString ChangeWords::historyAuthor(const Json &historyEntry)
{
    for (const char *field : {"patchKindSummary", "summary"}) {
        const QString text = fromUtf8(stringOf(member(&historyEntry, field)));
        const qsizetype colon = text.indexOf(QStringLiteral(": "));
        if (colon > 0) {
            const QString who = text.left(colon);
            if (!who.startsWith(u'/') && !who.contains(u' '))
                return cut(oneLine(who), 64);
        }
    }
    const std::string_view kinds = stringOf(member(&historyEntry, "patchKindSummary"));
    constexpr std::string_view kAgent = "/agents/{sessionId:";
    const std::size_t start = kinds.find(kAgent);
    if (start != std::string_view::npos) {
        const std::size_t from = start + kAgent.size();
        const std::size_t end = kinds.find('}', from);
        if (end != std::string_view::npos && end > from)
            return cut(oneLine(fromUtf8(kinds.substr(from, end - from))), 64);
    }
    return QString();
}

QString ChangeWords::shortValue(const Json *value, int limit)
{
    if (value == nullptr || value->is_null())
        return Tr::tr("(none)");
    if (value->is_string()) {
        return u'\'' + cut(oneLine(fromUtf8(value->get_ref<const std::string &>())), limit) + u'\'';
    }
    return cut(
        oneLine(QString::fromStdString(JsonWriter::write(*value, JsonWriter::Style::Compact))),
        limit);
}

QString ChangeWords::topicName(ChangeGroup::Topic topic)
{
    // In the order of ChangeGroup::Topic.
    static constexpr const char *kNames[]
        = {"run",      "phase",        "plan",  "task",    "agent", "validation",
           "decision", "userOverride", "asset", "history", "other"};
    static_assert(std::size(kNames) == std::size_t(Topic::Other) + 1);
    return QString::fromLatin1(kNames[std::size_t(topic)]);
}

} // namespace runboard
