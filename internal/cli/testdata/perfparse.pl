#!/usr/bin/perl
# perfparse.pl - check Nagios performance data with the reference parser,
# Monitoring::Plugin::Performance->parse_perfstring (Debian package
# libmonitoring-plugin-perl).
#
# Usage: perfparse.pl [--allow-u] [--allow-at] < perfdata-lines
#
# Reads one perfdata string per line on stdin (the part of a plugin's line 1
# after " | "; an empty line has no items). For each line it prints
#
#   N<TAB>label=value[uom];warn;crit;min;max<TAB>...
#
# with N the number of items Monitoring::Plugin parsed and each item as it
# parsed them. parse_perfstring silently drops an item it cannot parse and
# ignores whatever follows the part its regular expression matched, so each
# item is also split here by the guidelines' syntax
# ('label'=value[UOM];[warn];[crit];[min];[max]) and compared field by field
# with what Monitoring::Plugin made of it. A dropped item, a field it lost or
# read differently, or an item that is not perfdata syntax at all, is a
# parse failure: reported on stderr as "perfparse: line L: ...", and the exit
# status is 1.
#
# Two limitations of Monitoring::Plugin 0.40 are failures unless allowed:
#   --allow-u   the value "U" (undetermined, allowed by the guidelines) is
#               rejected by parse_perfstring; with this option such an item
#               passes if it parses with U replaced by 0, and prints as
#               label=U.
#   --allow-at  a warn/crit range starting with '@' (alert inside the
#               range, allowed by the guidelines) is not matched, and the
#               fields after it are lost; with this option the fields up to
#               the '@' must match and the rest is not compared.
# Each allowed case is still reported on stderr as "perfparse: note: ...".
use strict;
use warnings;
use Monitoring::Plugin::Performance;

my %allow;
for my $arg (@ARGV) {
    if ($arg =~ /^--allow-(u|at)$/) {
        $allow{$1} = 1;
    } else {
        die "usage: $0 [--allow-u] [--allow-at] < perfdata-lines\n";
    }
}

my $failures = 0;
my $lineno   = 0;

sub fail {
    my ($msg) = @_;
    print STDERR "perfparse: line $lineno: $msg\n";
    $failures++;
}

sub note {
    my ($msg) = @_;
    print STDERR "perfparse: note: line $lineno: $msg\n";
}

sub nvl { defined $_[0] ? $_[0] : '' }

# split_items splits a perfdata string into items by the guidelines' syntax:
# label (quoted with '...' when it holds spaces, '' for a quote) '=' fields.
# It returns a list of [raw, label, value, uom, warn, crit, min, max], or
# undef when the string is not perfdata.
sub split_items {
    my ($s) = @_;
    my @items;
    pos($s) = 0;
    while ($s =~ /\G\s*('(?:[^']|'')+'|[^\s'=]+)=(\S*)/gc) {
        my ($label, $rest) = ($1, $2);
        my $raw = $label . '=' . $rest;
        $label =~ s/^'(.*)'$/$1/s and $label =~ s/''/'/g;
        my @f = split /;/, $rest, -1;
        if (@f > 5) {
            fail("item '$raw': more than 5 fields");
            return undef;
        }
        my ($vu, $w, $c, $min, $max) = map { nvl($_) } @f[0 .. 4];
        my ($value, $uom) = $vu =~ /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|U)([a-zA-Z%]*)$/;
        if (!defined $value) {
            fail("item '$raw': value '$vu' is not a number with a unit, nor U");
            return undef;
        }
        push @items, [$raw, $label, $value, $uom, $w, $c, $min, $max];
    }
    if ($s =~ /\G\s*(\S.*)$/) {
        fail("not perfdata from '$1'");
        return undef;
    }
    return \@items;
}

# same_field compares one field as Monitoring::Plugin read it with the raw one.
sub same_field {
    my ($name, $got, $want) = @_;
    $got = nvl($got);
    return $got eq $want if $name eq 'uom' || $name eq 'warning' || $name eq 'critical';
    return 1 if $got eq '' && $want eq '';
    return 0 if $got eq '' || $want eq '';
    return $got == $want;
}

# compare checks a parsed object against a split item; it returns a list of
# differences (empty when equal). With --allow-at, the fields from the first
# '@' range on are not compared.
sub compare {
    my ($p, $it) = @_;
    my (undef, $label, $value, $uom, $w, $c, $min, $max) = @$it;
    my @diff;
    push @diff, "label '" . $p->label . "' for '$label'" if $p->label ne $label;
    push @diff, "value " . $p->value . " for $value" if $value ne 'U' && $p->value != $value;
    my @fields = (['uom', $p->uom, $uom], ['warning', $p->warning, $w], ['critical', $p->critical, $c],
                  ['min', $p->min, $min], ['max', $p->max, $max]);
    for my $f (@fields) {
        my ($name, $got, $want) = @$f;
        if ($want =~ /^@/ && $allow{at}) {
            note("item '$it->[0]': Monitoring::Plugin does not read the '\@' range $name '$want' nor the fields after it");
            last;
        }
        push @diff, "$name '" . nvl($got) . "' for '$want'" unless same_field($name, $got, $want);
    }
    return @diff;
}

while (my $line = <STDIN>) {
    $lineno++;
    chomp $line;
    my $items = split_items($line);
    if (!defined $items) {
        print "0\n";
        next;
    }
    my @parsed = Monitoring::Plugin::Performance->parse_perfstring($line);
    my @out;
    for my $it (@$items) {
        my ($raw, $label, $value) = @$it;
        if (@parsed && $parsed[0]->label eq $label) {
            my $p = shift @parsed;
            my @diff = compare($p, $it);
            fail("item '$raw' parsed as " . join(', ', @diff)) if @diff;
            push @out, $p->label . '=' . $p->value . nvl($p->uom) . ';' . join(';', map { nvl($_) } $p->warning, $p->critical, $p->min, $p->max);
            next;
        }
        # Monitoring::Plugin dropped the item.
        if ($value eq 'U') {
            (my $as_zero = $raw) =~ s/=U(?=;|$)/=0/;
            my ($p) = Monitoring::Plugin::Performance->parse_perfstring($as_zero);
            my @diff = $p ? compare($p, [$as_zero, @$it[1 .. 7]]) : ('dropped');
            if (!$allow{u}) {
                fail("item '$raw': Monitoring::Plugin rejects the value U" . (@diff ? '' : ' (it parses with U replaced by 0)'));
            } elsif (@diff) {
                fail("item '$raw' does not parse even with U replaced by 0: " . join(', ', @diff));
            } else {
                note("item '$raw': Monitoring::Plugin rejects the value U; it parses with U replaced by 0");
            }
            push @out, "$label=U";
            next;
        }
        fail("item '$raw' dropped by Monitoring::Plugin");
    }
    fail(scalar(@parsed) . " item(s) parsed that are not in the line") if @parsed;
    print join("\t", scalar(@out), @out), "\n";
}

if ($failures) {
    print STDERR "perfparse: $failures failure(s)\n";
    exit 1;
}
exit 0;
