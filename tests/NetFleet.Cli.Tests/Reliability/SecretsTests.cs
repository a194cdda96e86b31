using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using NetFleet.Lab.Devices;
using NetFleet.Lab.Hosting;
using NetFleet.Lab.Snmp;
using NetFleet.Snmp;
using NetFleet.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace NetFleet.Cli.Tests.Reliability;

/// <summary>
/// Real jobs with distinctive secrets — SSH passwords (right and wrong), enable secrets (right and wrong) and
/// SNMP v3 auth and privacy passwords (right and wrong), given as <c>${env:}</c>, <c>${file:}</c> and literal
/// inventory values — run by <c>netfleet</c> as a separate process with the JSON log at debug level, on SQLite
/// and on PostgreSQL. Then every output is searched for every secret, as text, base64 and hex: standard output
/// and error, the JSON logs, the JSON, CSV and XML exports, <c>jobs</c> and <c>history</c> in every format, every
/// file the runs wrote (the SQLite database and its WAL byte for byte) and every row of every table of the store.
/// </summary>
public sealed class SecretsTests : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly PostgresFixture postgres;
    private readonly ITestOutputHelper output;

    // Distinctive values, new for every run: nothing else can contain them by chance.
    private readonly string enableSecret = Distinctive("enable");
    private readonly string wrongEnableSecret = Distinctive("wrong-enable");
    private readonly string wrongSshPassword = Distinctive("wrong-ssh");
    private readonly string snmpAuth = Distinctive("snmp-auth");
    private readonly string snmpPriv = Distinctive("snmp-priv");
    private readonly string wrongSnmpPriv = Distinctive("wrong-snmp-priv");
    private readonly string literalSnmpAuth = Distinctive("literal-snmp-auth");

    private readonly LabFixture lab;
    private readonly List<SnmpAgent> agents = [];
    private string inventory = "";
    private int snmpPort;

    public SecretsTests(PostgresFixture postgres, ITestOutputHelper output)
    {
        this.postgres = postgres;
        this.output = output;
        // The devices take this run's enable secret.
        lab = new LabFixture(port => new LabSpec(port, TimeSpan.FromSeconds(1),
        [
            new LabDevice("ios-k1", "127.0.41.1", "cisco_ios", DeviceFaults.None) { EnableSecret = enableSecret },
            new LabDevice("eos-k1", "127.0.41.2", "arista_eos", DeviceFaults.None) { EnableSecret = enableSecret },
            new LabDevice("junos-k1", "127.0.41.3", "juniper_junos", DeviceFaults.None),
            new LabDevice("ios-k2", "127.0.41.4", "cisco_ios", DeviceFaults.None) { EnableSecret = enableSecret },
            new LabDevice("eos-k2", "127.0.41.5", "arista_eos", DeviceFaults.None) { EnableSecret = enableSecret },
        ]));
    }

    private readonly string wrongApiToken = Distinctive("wrong-api-token");
    private readonly List<string> apiTokens = [];

    private IEnumerable<string> Secrets =>
        [LabDefaults.Password, enableSecret, wrongEnableSecret, wrongSshPassword, snmpAuth, snmpPriv, wrongSnmpPriv, literalSnmpAuth,
         wrongApiToken, .. apiTokens];

    public async Task InitializeAsync()
    {
        // The lab's own SNMP agents have well-known passwords, so agents with this run's passwords answer on
        // the devices' addresses at a port of their own.
        await lab.InitializeAsync();
        var user = new UsmUser("nf-secrets", AuthProtocol.HmacSha256, snmpAuth, PrivProtocol.Aes128, snmpPriv);
        var literalUser = new UsmUser("nf-literal", AuthProtocol.HmacSha256, literalSnmpAuth, PrivProtocol.Aes128, snmpPriv);
        snmpPort = FreeUdpPort(IPAddress.Parse("127.0.41.1"));
        foreach (var device in lab.Spec.Devices)
        {
            var agent = new SnmpAgent(LabMib.Build(device, Stopwatch.GetTimestamp()),
                new SnmpAgentOptions { ReadCommunities = [], Users = [user, literalUser], EngineId = SnmpAgent.EngineIdFor(device.Name) });
            agent.Start(new IPEndPoint(IPAddress.Parse(device.Address), snmpPort));
            agents.Add(agent);
        }

        inventory = Path.Combine(lab.Paths.Root, "secret-inventory");
        WriteInventory();
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        await lab.DisposeAsync();
    }

    [Fact]
    public Task No_secret_reaches_output_logs_exports_history_or_the_sqlite_store() => RunAndSearchAsync("sqlite");

    [Fact]
    public Task No_secret_reaches_output_logs_exports_history_or_the_postgres_store() => RunAndSearchAsync("postgres");

    private async Task RunAndSearchAsync(string database)
    {
        var work = Directory.CreateTempSubdirectory("netfleet-secrets-").FullName;
        try
        {
            var store = database == "sqlite" ? "sqlite:" + Path.Combine(work, "store.db") : await postgres.NewStoreAsync();
            var playbook = Path.Combine(work, "secrets.yaml");
            await File.WriteAllTextAsync(playbook, """
                - name: secrets at work
                  hosts: all
                  tasks:
                    - name: version
                      command: show version
                    - name: ntp
                      config:
                        lines:
                          - "{{ host.platform == 'juniper_junos' ? 'set system ntp server 192.0.2.41' : 'ntp server 192.0.2.41' }}"
                    - name: name over v3
                      snmp_get: {oids: [sysName.0], version: v3}
                """);
            var outputs = new List<(string Where, string Text)>();

            var first = await RunAsync(work, "run", playbook, "-i", inventory, "--known-hosts", lab.Paths.KnownHosts, "--store", store,
                "-o", "json", "--out", Path.Combine(work, "results.json"), "--log-file", Path.Combine(work, "run.json"), "--verbose");
            outputs.Add(("run (json)", first.Stdout + first.Stderr));
            output.WriteLine(first.Stderr);
            // The jobs went as planned, so every secret was used and every failure path with it.
            Assert.True(first.ExitCode == 2, $"exit {first.ExitCode}\n{first.Stdout}\n{first.Stderr}");
            Assert.Matches(@"ios-k1\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=0", first.Stderr);
            Assert.Matches(@"eos-k1\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=0", first.Stderr);
            Assert.Matches(@"junos-k1\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=1", first.Stderr);
            Assert.Matches(@"ios-k2\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=1", first.Stderr);
            Assert.Matches(@"eos-k2\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0", first.Stderr);
            var results = await File.ReadAllTextAsync(Path.Combine(work, "results.json"));
            Assert.Contains("sysName.0 = ios-k1", results);
            Assert.Contains("sysName.0 = eos-k1", results);
            var log = await File.ReadAllTextAsync(Path.Combine(work, "run.json"));
            Assert.Contains("\"@l\":\"Debug\"", log);

            var check = await RunAsync(work, "run", playbook, "-i", inventory, "--known-hosts", lab.Paths.KnownHosts, "--store", store,
                "--check", "-o", "csv", "--verbose");
            outputs.Add(("run --check (csv)", check.Stdout + check.Stderr));
            Assert.StartsWith("job_id,device,", check.Stdout);
            var xml = await RunAsync(work, "run", playbook, "-i", inventory, "--known-hosts", lab.Paths.KnownHosts, "--store", store,
                "-o", "xml", "--out", Path.Combine(work, "results.xml"));
            outputs.Add(("run (xml)", xml.Stdout + xml.Stderr));
            Assert.Contains("<", await File.ReadAllTextAsync(Path.Combine(work, "results.xml")));

            var jobIds = System.Text.RegularExpressions.Regex.Matches(first.Stderr + check.Stderr + xml.Stderr, @"job (\S+) recorded in")
                .Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(3, jobIds.Count);
            foreach (var format in new[] { "table", "json", "csv", "xml" })
            {
                var list = await RunAsync(work, "jobs", "list", "--store", store, "-o", format);
                Assert.True(list.ExitCode == 0, list.Stderr);
                outputs.Add(($"jobs list -o {format}", list.Stdout + list.Stderr));
                // Every job in one format, the first (the one with changes and every failure) in all.
                foreach (var jobId in format == "json" ? jobIds : jobIds.Take(1))
                {
                    var show = await RunAsync(work, "jobs", "show", jobId, "--store", store, "-o", format);
                    Assert.True(show.ExitCode == 0, show.Stderr);
                    // Without a terminal the table is 80 columns wide and wraps cells mid-word; the other formats are whole.
                    if (format != "table") Assert.Contains("ios-k2", show.Stdout);
                    outputs.Add(($"jobs show {jobId} -o {format}", show.Stdout + show.Stderr));
                }

                foreach (var device in new[] { "ios-k1", "ios-k2" })
                {
                    var history = await RunAsync(work, "history", device, "--store", store, "-o", format);
                    Assert.True(history.ExitCode == 0, history.Stderr);
                    outputs.Add(($"history {device} -o {format}", history.Stdout + history.Stderr));
                }
            }

            Assert.Contains(outputs, o => o.Where.StartsWith("history ios-k1", StringComparison.Ordinal) && o.Text.Contains("192.0.2.41", StringComparison.Ordinal));
            await UseApiTokensAsync(work, store, outputs);

            var searched = SearchOutputs(outputs) + SearchFiles(work);
            searched += database == "sqlite"
                ? SearchSqliteRows(Path.Combine(work, "store.db"))
                : await SearchPostgresRowsAsync(store["postgres:".Length..]);
            output.WriteLine($"{database}: {Secrets.Count()} secrets in {Forms(LabDefaults.Password).Count} forms searched for in {searched} outputs, files and rows: none found");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// An API token made by <c>token add</c> (printed once; only its SHA-256 is stored), then used against a node's API
    /// (<c>cluster status</c> with <c>--token</c>, a plain request) and a wrong one refused; the node's output and log are
    /// searched with the rest.
    /// </summary>
    private async Task UseApiTokensAsync(string work, string store, List<(string Where, string Text)> outputs)
    {
        var added = await RunAsync(work, "token", "add", "secrets-tester", "--role", "operator", "--store", store);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var token = added.Stdout.Trim();
        Assert.True(token.Length >= 20, $"token add printed '{token}'");
        apiTokens.Add(token);
        outputs.Add(("token add (stderr)", added.Stderr));
        var list = await RunAsync(work, "token", "list", "--store", store);
        outputs.Add(("token list", list.Stdout + list.Stderr));
        Assert.Contains("secrets-tester", list.Stdout);

        var apiPort = Loopback.FreePort();
        var start = NetfleetStart(work, "node", "--roles", "orchestrator", "--port", Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--store", store, "--verbose");
        using var node = Process.Start(start)!;
        var nodeStderr = new StringBuilder();
        var apiUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (nodeStderr) nodeStderr.AppendLine(e.Data);
            if (e.Data.StartsWith("api: ", StringComparison.Ordinal)) apiUp.TrySetResult();
        };
        node.BeginErrorReadLine();
        var nodeStdout = node.StandardOutput.ReadToEndAsync();
        try
        {
            await apiUp.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var api = $"http://127.0.0.1:{apiPort}";
            using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(15) };
            using (var refused = new HttpRequestMessage(HttpMethod.Get, "/api/jobs"))
            {
                refused.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", wrongApiToken);
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(refused)).StatusCode);
            }

            using (var accepted = new HttpRequestMessage(HttpMethod.Get, "/api/jobs"))
            {
                accepted.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var response = await http.SendAsync(accepted);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
                outputs.Add(("GET /api/jobs", body));
            }

            var status = await RunAsync(work, "cluster", "status", "--api", api, "--token", token);
            Assert.True(status.ExitCode == 0, status.Stderr);
            outputs.Add(("cluster status", status.Stdout + status.Stderr));
        }
        finally
        {
            // SIGTERM: the node leaves and exits, its log complete.
            _ = Signal(node.Id, 15);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await node.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        var nodeOutput = await nodeStdout;
        lock (nodeStderr) outputs.Add(("node", nodeStderr + "\n" + nodeOutput));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    /// <summary>
    /// Defaults give the SSH password from the environment, the enable secret from a file, the SNMP passwords from both.
    /// ios-k2 has a wrong enable secret, eos-k2 a wrong SSH password, junos-k1 a wrong SNMP privacy password and
    /// literal SSH and SNMP passwords.
    /// </summary>
    private void WriteInventory()
    {
        Directory.CreateDirectory(inventory);
        File.WriteAllText(Path.Combine(inventory, "enable"), enableSecret);
        File.WriteAllText(Path.Combine(inventory, "snmp-priv"), snmpPriv + "\n");
        File.WriteAllText(Path.Combine(inventory, "wrong-ssh"), wrongSshPassword);
        File.WriteAllText(Path.Combine(inventory, "defaults.yaml"), $$"""
            port: {{lab.Spec.Port}}
            username: {{LabDefaults.Username}}
            password: "${env:NF_TEST_SSH_PASSWORD}"
            enable_secret: "${file:enable}"
            """);
        File.WriteAllText(Path.Combine(inventory, "groups.yaml"), """
            ios: {platform: cisco_ios}
            eos: {platform: arista_eos}
            junos: {platform: juniper_junos}
            """);
        string Snmp(string user, string auth, string priv) =>
            "{snmp: {port: " + snmpPort + ", timeout: 0.5, retries: 0, v3: {user: " + user + ", auth_protocol: sha256, auth_password: \"" + auth
            + "\", priv_protocol: aes128, priv_password: \"" + priv + "\"}}}";
        var standard = Snmp("nf-secrets", "${env:NF_TEST_SNMP_AUTH}", "${file:snmp-priv}");
        File.WriteAllText(Path.Combine(inventory, "hosts.yaml"), $$"""
            ios-k1: {hostname: 127.0.41.1, groups: [ios], data: {{standard}}}
            eos-k1: {hostname: 127.0.41.2, groups: [eos], data: {{standard}}}
            junos-k1:
              hostname: 127.0.41.3
              groups: [junos]
              password: "{{LabDefaults.Password}}"
              data: {{Snmp("nf-literal", literalSnmpAuth, "${env:NF_TEST_WRONG_SNMP_PRIV}")}}
            ios-k2: {hostname: 127.0.41.4, groups: [ios], enable_secret: "${env:NF_TEST_WRONG_ENABLE}", data: {{standard}}}
            eos-k2: {hostname: 127.0.41.5, groups: [eos], password: "${file:wrong-ssh}", data: {{standard}}}
            """);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args) =>
        NetfleetCommand.RunAsync(NetfleetStart(workingDirectory, args), NetfleetCommand.DefaultTimeout);

    /// <summary><c>netfleet ARGS</c> in <paramref name="workingDirectory"/> (so default log files land there), with the
    /// secrets the inventory takes from the environment.</summary>
    private ProcessStartInfo NetfleetStart(string workingDirectory, params string[] args)
    {
        var start = NetfleetCommand.StartInfo(args, workingDirectory);
        start.Environment["NF_TEST_SSH_PASSWORD"] = LabDefaults.Password;
        start.Environment["NF_TEST_SNMP_AUTH"] = snmpAuth;
        start.Environment["NF_TEST_WRONG_SNMP_PRIV"] = wrongSnmpPriv;
        start.Environment["NF_TEST_WRONG_ENABLE"] = wrongEnableSecret;
        start.Environment.Remove("NETFLEET_STORE");
        start.Environment.Remove("NETFLEET_TOKEN");
        return start;
    }

    private int SearchOutputs(List<(string Where, string Text)> outputs)
    {
        foreach (var (where, text) in outputs)
        {
            AssertNoSecret(where, text);
        }

        return outputs.Count;
    }

    /// <summary>Every file the runs wrote (logs, exports, the SQLite database and its journal files), byte for byte.</summary>
    private int SearchFiles(string work)
    {
        var files = Directory.GetFiles(work, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".json", StringComparison.Ordinal) && f.Contains(Path.Combine(".netfleet", "logs"), StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in Secrets)
            {
                foreach (var form in Forms(secret))
                {
                    Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)) >= 0, $"{file} holds a secret ({form})");
                }

                Assert.False(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) >= 0, $"{file} holds a secret in UTF-16");
            }
        }

        return files.Length;
    }

    private int SearchSqliteRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }

        Assert.Contains("journal", tables);
        Assert.Contains("nf_task_results", tables);
        var rows = 0;
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var text = reader.IsDBNull(i) ? "" : reader.GetValue(i) switch
                    {
                        byte[] blob => Encoding.UTF8.GetString(blob) + Convert.ToHexString(blob),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    };
                    AssertNoSecret($"sqlite {table}.{reader.GetName(i)}", text);
                }
            }
        }

        return rows;
    }

    /// <summary>Every row of every table, as PostgreSQL prints it (bytea as hex, which the hex forms catch).</summary>
    private async Task<int> SearchPostgresRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.Contains(tables, t => t.Name == "journal");
        Assert.Contains(tables, t => t.Name == "nf_task_results");
        var rows = 0;
        foreach (var (schema, name) in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{schema}\".\"{name}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows++;
                var row = reader.GetString(0);
                // bytea prints as \x followed by hex: decode it too, so text inside a serialized event is seen as text.
                var decoded = System.Text.RegularExpressions.Regex.Replace(row, @"\\{1,2}x([0-9a-f]+)", m =>
                    m.Groups[1].Length % 2 == 0 ? Encoding.UTF8.GetString(Convert.FromHexString(m.Groups[1].Value)) : m.Value);
                AssertNoSecret($"postgres {schema}.{name}", row + decoded);
            }
        }

        return rows;
    }

    private void AssertNoSecret(string where, string text)
    {
        foreach (var secret in Secrets)
        {
            foreach (var form in Forms(secret))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{where} holds a secret ({form}):\n{Excerpt(text, form)}");
            }
        }
    }

    /// <summary>The secret as written, in base64 and in hex.</summary>
    private static List<string> Forms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return [secret, Convert.ToBase64String(bytes), Convert.ToHexString(bytes)];
    }

    private static string Excerpt(string text, string form)
    {
        var at = text.IndexOf(form, StringComparison.OrdinalIgnoreCase);
        return text.Substring(Math.Max(0, at - 300), Math.Min(text.Length - Math.Max(0, at - 300), 600 + form.Length));
    }

    private static string Distinctive(string what) => $"nf-{what}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";

    private static int FreeUdpPort(IPAddress address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
