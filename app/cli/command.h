// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "json.h"
#include "manifeststore.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace runboard::cli {

// One subcommand of runboard-cli. A command declares its positional arguments and options;
// run() parses, answers --help, checks the argument count and calls execute().
class Command
{
    Q_DECLARE_TR_FUNCTIONS(runboard::cli::Command)

public:
    virtual ~Command();

    QString name() const { return m_name; }
    QString description() const { return m_description; }

    // `arguments` are what follows the command name. Returns the process exit status.
    int run(const QStringList &arguments);

    // Every command, in the order `runboard-cli --help` lists them.
    static std::vector<std::unique_ptr<Command>> all();

protected:
    Command(QString name, QString description);

    // The positional arguments: name as shown in help, description.
    void addPositional(const QString &name, const QString &description, bool optional = false);
    virtual void addOptions(QCommandLineParser &parser);
    virtual int execute(const QCommandLineParser &parser, const QStringList &positionals) = 0;

    // Prints the failure on both channels and returns its exit status.
    int fail(const Error &error) const;
    // A usage mistake: exit status 2.
    int usageError(const QString &message) const;

    // Shared option helpers.
    static QCommandLineOption valueOption(const QString &name, const QString &description,
                                          const QString &valueName);
    // --seconds N: std::nullopt when absent; an error message in `problem` when malformed.
    static std::optional<int> secondsOption(const QCommandLineParser &parser, QString *problem);

    // ManifestStore::locate with a message that says what was expected there.
    static Result<BundleLocation> locateBundle(const QString &path);
    // Reads a whole file, or stdin for "-". NotFound / IoError name the file.
    static Result<QByteArray> readInput(const QString &pathOrDash);
    // Reads and parses JSON from a file or stdin; `what` names the input in messages ("ops").
    // A parse failure has code `parseErrorCode`.
    static Result<Json> readJsonInput(const QString &pathOrDash, const QString &what,
                                      ErrorCode parseErrorCode);

private:
    struct Positional
    {
        QString name;
        QString description;
        bool optional = false;
    };

    QString m_name;
    QString m_description;
    std::vector<Positional> m_positionals;
};

} // namespace runboard::cli
