import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveOsGrain, distributionGrains, osreleaseData, parseLsbRelease, parseOsRelease } from './os_release.js';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

test('parseOsRelease() unquotes and unescapes values and has Python’s defaults', () => {
  assert.deepEqual(parseOsRelease('NAME="A \\"B\\""\nX=\'y\'\nbad line\n'), { NAME: 'A "B"', ID: 'linux', PRETTY_NAME: 'Linux', X: 'y' });
});

test('distributionGrains() for Debian 12 gives the sample’s grains in Salt’s key order', () => {
  const g = distributionGrains(null, parseOsRelease(DEBIAN_12));
  assert.deepEqual(Object.entries(g), [
    ['os', 'Debian'],
    ['os_family', 'Debian'],
    ['oscodename', 'bookworm'],
    ['osfullname', 'Debian GNU/Linux'],
    ['lsb_distrib_id', 'Debian GNU/Linux'],
    ['lsb_distrib_release', '12'],
    ['lsb_distrib_codename', 'bookworm'],
    ['osrelease', '12'],
  ]);
});

test('distributionGrains() for Ubuntu prefers /etc/lsb-release', () => {
  const lsb = 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"\n';
  const rel = parseOsRelease('NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n');
  const g = distributionGrains(lsb, rel);
  assert.equal(g.os, 'Ubuntu');
  assert.equal(g.os_family, 'Debian');
  assert.equal(g.osrelease, '22.04');
  assert.equal(g.oscodename, 'jammy');
  assert.equal(g.lsb_distrib_description, 'Ubuntu 22.04.4 LTS');
});

test('distributionGrains() maps Rocky and openSUSE through Salt’s tables', () => {
  const rocky = distributionGrains(null, parseOsRelease('NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n'));
  assert.equal(rocky.os, 'Rocky');
  assert.equal(rocky.os_family, 'RedHat');
  assert.equal(rocky.oscodename, 'Blue Onyx');
  const suse = distributionGrains(null, parseOsRelease('NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nVERSION_ID="15.5"\nCPE_NAME="cpe:/o:opensuse:leap:15.5"\n'));
  assert.equal(suse.os, 'SUSE');
  assert.equal(suse.os_family, 'Suse');
  assert.equal(suse.osfullname, 'Leap');
});

test('parseLsbRelease() reads DISTRIB_* lines', () => {
  assert.deepEqual(parseLsbRelease("DISTRIB_ID='Mageia'\nDISTRIB_RELEASE=9\nOTHER=x\n"), { lsb_distrib_id: 'Mageia', lsb_distrib_release: '9' });
});

test('deriveOsGrain() shortens full names like Salt', () => {
  assert.equal(deriveOsGrain('Debian GNU/Linux'), 'Debian');
  assert.equal(deriveOsGrain('Red Hat Enterprise Linux Server'), 'RedHat');
  assert.equal(deriveOsGrain('Pop!_OS', 'pop'), 'Pop');
  assert.equal(deriveOsGrain('Fedora Linux'), 'Fedora');
});

test('osreleaseData() derives osrelease_info, osmajorrelease and osfinger', () => {
  assert.deepEqual(osreleaseData('Debian', 'Debian GNU/Linux', '12'), { osrelease_info: [12], osmajorrelease: 12, osfinger: 'Debian-12' });
  assert.deepEqual(osreleaseData('CentOS', 'CentOS Linux', '7.9.2009'), { osrelease_info: [7, 9, 2009], osmajorrelease: 7, osfinger: 'CentOS Linux-7' });
  assert.deepEqual(osreleaseData('Ubuntu', 'Ubuntu', '22.04'), { osrelease_info: [22, 4], osmajorrelease: 22, osfinger: 'Ubuntu-22.04' });
  assert.deepEqual(osreleaseData('Arch', 'Arch Linux', 'rolling'), { osrelease_info: ['rolling'], osfinger: 'Arch Linux-rolling' });
});
