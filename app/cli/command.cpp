// SPDX-License-Identifier: MIT
//
// Command: the frame every runboard-cli subcommand runs in. It owns the parts that must behave
// the same everywhere: --help on stdout with exit 0, unknown options and wrong argument counts as
// usage errors (exit 2, a JSON line on stdout and a sentence on stderr), and the reading of
// bundles and JSON inputs so that every command words the same failure the same way.
// Thread: main thread only.

#include "command.h"

#include "democommand.h"
#include "diffcommand.h"
#include "getcommand.h"
#include "heartbeatcommand.h"
#include "initcommand.h"
#include "jsonpatchcommand.h"
#include "output.h"
#include "patchcommand.h"
#include "runscommand.h"
#include "servecommand.h"
#include "showcommand.h"
#include "watchcommand.h"

#include "jsonreader.h"

#include <QFile>
#include <QFileInfo>

namespace runboard::cli {

Command::Command(QString name, QString description)
    : m_name(std::move(name)), m_description(std::move(description))
{}

Command::~Command() = default;

std::vector<std::unique_ptr<Command>> Command::all()
{
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(std::make_unique<InitCommand>());
    commands.push_back(std::make_unique<RunsCommand>());
    commands.push_back(std::make_unique<ShowCommand>());
    commands.push_back(std::make_unique<GetCommand>());
    commands.push_back(std::make_unique<PatchCommand>());
    commands.push_back(std::make_unique<HeartbeatCommand>());
    commands.push_back(std::make_unique<DiffCommand>());
    commands.push_back(std::make_unique<JsonPatchCommand>());
    commands.push_back(std::make_unique<WatchCommand>());
    commands.push_back(std::make_unique<ServeCommand>());
    commands.push_back(std::make_unique<DemoCommand>());
    return commands;
}

void Command::addPositional(const QString &name, const QString &description, bool optional)
{
    m_positionals.push_back(Positional{name, description, optional});
}

void Command::addOptions(QCommandLineParser &) {}

int Command::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(m_description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  tr("Displays help for this command."));
    parser.addOption(help);
    QString syntax;
    for (const Positional &positional : m_positionals) {
        parser.addPositionalArgument(positional.name, positional.description,
                                     positional.optional ? u'[' + positional.name + u']'
                                                         : positional.name);
        syntax += u' ' + (positional.optional ? u'[' + positional.name + u']' : positional.name);
    }
    addOptions(parser);

    // QCommandLineParser wants a program name first.
    if (!parser.parse(QStringList{QStringLiteral("runboard-cli")} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        // Replace Qt's usage line (which names the binary's path) with the command's own.
        text = text.section(u'\n', 1);
        printText(tr("Usage: runboard-cli %1%2 [options]\n").arg(m_name, syntax) + text);
        return 0;
    }

    const QStringList positionals = parser.positionalArguments();
    qsizetype required = 0;
    for (const Positional &positional : m_positionals)
        required += positional.optional ? 0 : 1;
    if (positionals.size() < required)
        return usageError(tr("missing argument %1").arg(m_positionals[positionals.size()].name));
    if (positionals.size() > qsizetype(m_positionals.size()))
        return usageError(tr("unexpected argument %1").arg(positionals[m_positionals.size()]));
    return execute(parser, positionals);
}

int Command::fail(const Error &error) const
{
    printJson(errorObject(error));
    printDiagnostic(
        tr("runboard-cli %1: %2: %3").arg(m_name, errorCodeName(error.code), error.message));
    return exitStatusFor(error.code);
}

int Command::usageError(const QString &message) const
{
    printJson(usageErrorObject(message));
    printDiagnostic(tr("runboard-cli %1: %2\nTry 'runboard-cli %1 --help'.").arg(m_name, message));
    return kUsageExitStatus;
}

QCommandLineOption Command::valueOption(const QString &name, const QString &description,
                                        const QString &valueName)
{
    return QCommandLineOption(QStringList{name}, description, valueName);
}

std::optional<int> Command::secondsOption(const QCommandLineParser &parser, QString *problem)
{
    if (!parser.isSet(QStringLiteral("seconds")))
        return std::nullopt;
    bool ok = false;
    const int seconds = parser.value(QStringLiteral("seconds")).toInt(&ok);
    if (!ok || seconds < 0) {
        *problem = tr("--seconds wants a whole number of seconds >= 0, not '%1'")
                       .arg(parser.value(QStringLiteral("seconds")));
        return std::nullopt;
    }
    return seconds;
}

Result<BundleLocation> Command::locateBundle(const QString &path)
{
    Result<BundleLocation> location = ManifestStore::locate(path);
    if (location.isOk())
        return location;
    Error error = location.error();
    if (error.code == ErrorCode::NotFound && QFileInfo(path).isDir())
        error.message
            = tr("%1 is not a run bundle: it holds no manifest.json (%2)").arg(path, error.message);
    return error;
}

Result<QByteArray> Command::readInput(const QString &pathOrDash)
{
    QFile file;
    if (pathOrDash == QStringLiteral("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            return Error{ErrorCode::IoError, tr("cannot read standard input"), Json{{"path", "-"}}};
    } else {
        file.setFileName(pathOrDash);
        if (!QFileInfo::exists(pathOrDash))
            return Error{ErrorCode::NotFound, tr("%1 does not exist").arg(pathOrDash),
                         Json{{"path", utf8(pathOrDash)}}};
        if (!file.open(QIODevice::ReadOnly))
            return Error{ErrorCode::IoError,
                         tr("cannot read %1: %2").arg(pathOrDash, file.errorString()),
                         Json{{"path", utf8(pathOrDash)}}};
    }
    return file.readAll();
}

Result<Json> Command::readJsonInput(const QString &pathOrDash, const QString &what,
                                    ErrorCode parseErrorCode)
{
    const Result<QByteArray> bytes = readInput(pathOrDash);
    if (!bytes.isOk())
        return bytes.error();
    const QString shown = pathOrDash == QStringLiteral("-") ? tr("standard input") : pathOrDash;
    Result<Json> parsed = JsonReader::parse(
        std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())));
    if (!parsed.isOk()) {
        Error error = parsed.error();
        error.code = parseErrorCode;
        error.message = tr("%1 (%2) is not valid JSON: %3").arg(what, shown, error.message);
        return error;
    }
    return parsed;
}

} // namespace runboard::cli
