namespace NetFleet.TextFsm.Tests;

/// <summary>Synthetic templates and outputs for the corners of textfsm's semantics, and bad templates.</summary>
internal static class EdgeCases
{
    public static readonly (string Name, string Template, string Output)[] Valid =
    [
        ("filldown_required", """
            Value Filldown,Required VRF (\S+)
            Value Required,Filldown CHASSIS (\S+)
            Value Required PREFIX (\S+)
            Value NEXTHOP (\S+)

            Start
              ^VRF ${VRF}
              ^Chassis ${CHASSIS}
              ^route ${PREFIX}( via ${NEXTHOP})? -> Record
              ^reset -> Clearall
            """, "route 1.0.0.0/8\nVRF red\nroute 2.0.0.0/8 via 10.0.0.1\nChassis c1\nroute 3.0.0.0/8\nreset\nroute 4.0.0.0/8\nVRF blue\nroute 5.0.0.0/8\n"),
        ("fillup", """
            Value Fillup AREA (\d+)
            Value INTERFACE (\S+)

            Start
              ^if ${INTERFACE} -> Record
              ^area ${AREA}
            """, "if a\nif b\narea 0\nif c\narea 1\nif d\n"),
        ("list_nested_groups", """
            Value Required NAME (\S+)
            Value List MEMBERS ((?P<port>\S+)\((?P<flag>\w)\))
            Value List,Filldown TAGS (\w+)
            Value List PLAIN (\d+)

            Start
              ^group ${NAME} -> Continue.Record
              ^group \S+ tag ${TAGS}
              ^\s+member ${MEMBERS}
              ^\s+num ${PLAIN}
              ^\s+maybe( ${PLAIN})?
            """, "group g1 tag x\n  member Gi1(P)\n  member Gi2(D)\n  num 5\n  maybe\ngroup g2\n  member Te1(P)\ngroup g3 tag y\n"),
        ("required_list_order", """
            Value Required,List A (\d+)
            Value List,Required B (\d+)
            Value ID (\w+)

            Start
              ^id ${ID} -> Continue.Record
              ^a ${A}
              ^b ${B}
            """, "id one\na 1\nid two\nb 2\nid three\na 3\nb 4\n"),
        ("continue_and_states", """
            Value Key INTERFACE (\S+)
            Value DESCRIPTION (.*)
            Value MTU (\d+)

            Start
              ^interface -> Continue.Record
              ^interface ${INTERFACE} -> Continue
              ^interface \S+ -> Interface

            Interface
              ^\s+description ${DESCRIPTION}
              ^\s+mtu ${MTU}
              ^interface -> Continue.Record
              ^interface ${INTERFACE}
              ^end -> End
            """, "interface Gi1\n description uplink $1 to core\n mtu 9000\ninterface Gi2\n mtu 1500\nend\ninterface Gi3\n"),
        ("next_record_state_and_eof_state", """
            Value NAME (\S+)
            Value VALUE (\S+)

            Start
              ^begin -> Body

            Body
              ^${NAME}=${VALUE} -> Next.Record Body
              ^stop -> Next.NoRecord Start

            EOF
            """, "begin\na=1\nb=2\nstop\nc=3\nbegin\nd=4\n"),
        ("implicit_eof_record_and_clear", """
            Value Filldown HOST (\S+)
            Value ITEM (\S+)

            Start
              ^host ${HOST}
              ^item ${ITEM}
              ^drop -> Clear
            """, "host h1\nitem x\ndrop\nitem y\n"),
        ("dollar_escapes_and_python_syntax", """
            Value COST (\d+)
            Value WORD (\w+)
            Value REPEAT (\w+)
            Value HEX (\S+)

            Start
              ^cost \$$${COST}$$ -> Record
              ^(?P<first>\w)(?P=first) ${WORD}$$ -> Record
              ^twice (\w+) \1 ${REPEAT} -> Record
              ^hex \x41\u0042\101 ${HEX}\Z -> Record
              ^brace x{,2}y ${WORD} -> Record
              ^class [[]x] ${WORD} -> Record
            """, "cost $42\naa word\ntwice go go again\nhex ABA 0x1\nbrace xxy w1\nclass [x] w2\n"),
        ("unicode_and_separators", """
            Value A (\w+)
            Value B (\S+)

            Start
              ^x ${A}\s${B} -> Record
            """, "x naïve\u001fz\nx é_1\u00a0q\nx ab\u2028x cd ef\r\nx gh ij\rx kl mn\n"),
        ("error_action", """
            Value X (\d+)

            Start
              ^ok ${X} -> Record
              ^. -> Error "unexpected line"
            """, "ok 1\nbad\nok 2\n"),
        ("error_without_message", """
            Value X (\d+)

            Start
              ^ok ${X} -> Record
              ^bad -> Error
            """, "ok 1\nbad\n"),
        ("no_values_matched_gives_no_record", """
            Value X (\d+)
            Value List Y (\d+)

            Start
              ^nothing
            """, "nothing\n"),
        ("empty_string_is_kept", """
            Value X (\d*)

            Start
              ^x=${X}$$
            """, "x=\n"),
        ("end_state_drops_final_record", """
            Value X (\d+)

            Start
              ^x ${X}
              ^stop -> End
            """, "x 1\nstop\nx 2\n"),
        ("goto_eof_without_declaring_it", """
            Value X (\d+)

            Start
              ^x ${X}
              ^stop -> EOF
            """, "x 1\nstop\nx 2\n"),
    ];

    public static readonly (string Name, string Template, int Line, string Reason)[] Invalid =
    [
        ("unknown_option", "Value Filldown,Sticky X (\\d+)\n\nStart\n  ^${X}\n", 1, "Unknown option \"Sticky\""),
        ("duplicate_value", "Value X (\\d+)\nValue X (\\w+)\n\nStart\n  ^${X}\n", 2, "Duplicate declarations for Value 'X'"),
        ("regex_not_in_parens", "Value X (\\d+\n\nStart\n  ^${X}\n", 1, "must be contained within a '()' pair"),
        ("bad_rule_regex", "Value X (\\d+)\n\nStart\n  ^${X}(\n", 4, "Invalid regular expression"),
        ("missing_start", "Value X (\\d+)\n\nBegin\n  ^${X}\n", 0, "Missing state 'Start'"),
        ("undefined_state", "Value X (\\d+)\n\nStart\n  ^${X} -> Nowhere\n", 4, "State 'Nowhere' not found"),
        ("continue_with_state", "Value X (\\d+)\n\nStart\n  ^${X} -> Continue Other\n\nOther\n  ^x\n", 4, "Action 'Continue' with new state Other"),
        ("unknown_substitution", "Value X (\\d+)\n\nStart\n  ^${Y}\n", 4, "Duplicate or invalid variable substitution"),
        ("value_twice_in_rule", "Value X (\\d+)\n\nStart\n  ^${X} ${X}\n", 4, "Invalid regular expression"),
        ("rule_without_indent", "Value X (\\d+)\n\nStart\n^${X}\n", 4, "Missing white space or carat"),
        ("non_empty_eof", "Value X (\\d+)\n\nStart\n  ^${X}\n\nEOF\n  ^x\n", 6, "Non-Empty 'EOF' state"),
        ("bad_action", "Value X (\\d+)\n\nStart\n  ^${X} -> Record.Next\n", 4, "Badly formatted rule"),
        ("line_after_values", "Value X (\\d+)\nStart\n  ^${X}\n", 2, "Expected blank line after last Value entry"),
        ("bad_python_escape", "Value X (\\d+)\n\nStart\n  ^\\e${X}\n", 4, "Invalid regular expression"),
    ];
}
