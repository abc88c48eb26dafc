// planlint for VS Code: the grammar colours *.plan files; this client starts `planlint lsp`
// (findings as you type, hover, go to definition, references, symbols, completion, formatting).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("planlint").get("path", "planlint");
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "planlint" }],
    // A saved, created or deleted plan file or configuration changes the whole plan's findings.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.plan,planlint.toml,pyproject.toml}"),
    },
  };
  client = new LanguageClient("planlint", "planlint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
