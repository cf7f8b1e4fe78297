#!/usr/bin/env bash
# make-blocklist.sh [OUT] - write data/password-blocklist.txt, the list of
# common long passwords auth_password_policy refuses.
#
# The list is made here, not downloaded: word lists typed from general
# knowledge of breach-frequency rankings (the roots people actually use:
# "password", "football", names, teams, phrases, keyboard walks), combined
# with the suffixes people actually add (digit runs, years, "@123"). Only
# entries of AUTH_PW_MIN (12) characters or more are kept: shorter ones are
# refused by length anyway. The policy also strips trailing digits and
# punctuation and tries again, so "password1234!" and "Football2020!!" are
# caught by "password1234" and "football2020" without listing every tail.
# Output: lower-case ASCII, one a line, sorted by byte (LC_ALL=C), unique -
# the order auth/policy.c's binary search relies on.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-data/password-blocklist.txt}
export LC_ALL=C

# Roots: common passwords and the words they are built from.
roots=$(cat <<'W'
password passw0rd p@ssword p@ssw0rd pa$$word pass pwd secret letmein welcome
qwerty qwertyui qwertyuiop asdf asdfgh asdfghjkl zxcvbnm qazwsx qweasd
abc abcd abcde abcdef iloveyou iloveu loveyou lovely loveme mylove
monkey dragon shadow master sunshine princess football baseball basketball
soccer hockey tennis golfer superman batman spiderman ironman starwars
pokemon pikachu naruto minecraft fortnite roblox zelda mario nintendo
computer internet samsung google yahoo hotmail gmail facebook myspace
summer winter spring autumn freedom whatever cookie cheese chocolate
butterfly flower purple orange banana pepper ginger maggie bailey buster
tigger charlie angel angels hello hellokitty access admin administrator
login changeme default trustno1 blink182 linkinpark metallica slipknot
jesus jesuschrist christ heaven faith blessed blessing godisgood
money lucky friends forever family mother father mommy daddy baby
babygirl babyboy sweetheart sweetie honey darling beautiful lovers
michael jennifer jordan jordan23 hunter ranger thomas andrew joshua
matthew robert william daniel jessica ashley amanda nicole melissa
sarah stephanie elizabeth christopher anthony richard joseph david
charles george patrick samantha michelle victoria natalie rachel
justin brandon austin tyler dallas taylor madison hannah alexander
alexandra benjamin nicholas jonathan christian jasmine diamond
chelsea liverpool arsenal manchester manutd barcelona realmadrid juventus
yankees cowboys steelers lakers packers redsox raiders eagles patriots
dolphins broncos chicago newyork london paris america canada
australia england ireland scotland india pakistan brazil mexico
killer hacker matrix dragon1 ninja samurai warrior legend phoenix
tiger lion wolf eagle falcon panther jaguar mustang ferrari porsche
mercedes corvette harley yamaha honda toyota nissan
pussy fuckyou fuckoff asshole bitch sexy hottie lovesex
whatever1 nothing something anything everything nobody somebody
secretpassword mypassword newpassword oldpassword thepassword
letmein1 opensesame welcome1 hello123 test tester testing test123
guest user username root toor system server database oracle
office work school student teacher college university library
doctor nurse health hospital clinic patient client practice
therapy therapist therapists counselor counsellor counseling counselling
psychology psychologist psychiatry psychiatrist psychotherapy
mentalhealth wellness wellbeing mindfulness meditation selfcare
healing recovery session sessions confidant confidential privacy
private notes appointment calendar schedule billing invoice insurance
social socialwork socialworker familytherapy couples marriage
coffee pizza burger chicken cheese1 apple orange1 strawberry cherry
blueberry pumpkin cupcake candy sugar muffin peanut butter cookies
music guitar piano rockstar rocknroll dancer dancing singer
soccer1 football1 baseball1 hockey1 basketball1 volleyball softball
cricket rugby wrestling boxing karate skater surfer snowboard
camaro ferrari1 bmw audi volvo jeep subaru mazda
spongebob scooby snoopy garfield mickey minnie disney barbie
batman1 superman1 pokemon1 starwars1 harrypotter hogwarts gandalf
frodo skywalker darthvader yoda jedi sith avengers marvel
zaq12wsx 1qaz2wsx 1q2w3e4r 1q2w3e 123qwe qwe123 abc123 a1b2c3
W
)

# Digit and symbol tails people add, most common first.
tails=$(cat <<'W'
1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890
0 00 000 0000 01 007 11 111 1111 13 21 22 23 69 77 88 99 100 101
321 4321 54321 654321 123123 112233 2580 789 987 9876 1212 123321
@123 @1234 @12345 #123 #1234 _123 _1234 .123 $123 !123 123!
W
)

# Whole passwords from breach-frequency rankings that the rules above do not
# produce: keyboard walks, digit patterns, phrases.
literals=$(cat <<'W'
123456789012
1234567890123
12345678901234
123456789012345
1234567890qwerty
1234567890abc
0987654321qwerty
123123123123
123412341234
112233445566
111222333444
121212121212
123321123321
147258369147
147258369000
159357159357
159753159753
741852963741
789456123789
987654321987
102030405060
010203040506
135792468000
123654789123
147852369123
147852369147
963852741963
1q2w3e4r5t6y
1q2w3e4r5t6y7u
1q2w3e4r5t6y7u8i
q1w2e3r4t5y6
q1w2e3r4t5y6u7
1qaz2wsx3edc
1qaz2wsx3edc4rfv
!qaz2wsx3edc
!qaz@wsx#edc
1qazxsw23edc
zaq12wsxcde3
zaq1xsw2cde3
zaq1zaq1zaq1
qazwsxedcrfv
qazwsxedcrfvtgb
qazwsxedcrfvtgbyhn
qweasdzxc123
qweasdzxc1234
qweqweqweqwe
qwerty123456
qwerty1234567
qwertyqwerty
qwertyuiop123
qwertyuiop1234
qwertyuiop12
qwertyuiop[]
asdfghjkl123
asdfghjkl;'
asdfasdfasdf
asdfqwerzxcv
zxcvbnm12345
zxcvbnm123456
zxcvbnmasdfgh
poiuytrewq12
poiuytrewq123
mnbvcxz12345
a1b2c3d4e5f6
a1s2d3f4g5h6
abc123abc123
abcd1234abcd
abcd12345678
aaaaaa111111
aa123456789a
passwordpassword
password12345678
password123456789
passwordpassword1
mypassword123
mypassword1234
thisismypassword
thisisapassword
thisispassword
mysecretpassword
supersecret12
supersecret123
supersecretpassword
topsecret1234
topsecretpassword
changemenow1
changemenow123
changethispassword
pleasechangeme
passwordisbad
iloveyouforever
iloveyouiloveyou
iloveyoubaby
iloveyoumore
iloveyousomuch
iloveyoutoo1
iloveyoumom1
iloveyoumommy
iloveyoudaddy
ilovemyfamily
ilovemymom123
ilovemydad123
ilovemyself1
ilovemydog123
ilovemycat123
ilovemykids1
ilovejesus123
ilovegod1234
jesuslovesme
jesuslovesyou
jesusismylord
jesusismysavior
godisgood123
godisgreat123
godislove123
godisgoodallthetime
thankyoujesus
thankyoulord
praisethelord
letmeinplease
letmeinnow123
opensesame123
happybirthday
happybirthday1
merrychristmas
merrychristmas1
happynewyear1
whatever1234
ihateyou1234
ihateyouall1
nobodyknows1
trustnoone123
trustno1trustno1
iamthebest123
iamthegreatest
iamawesome123
youareawesome
nevergiveup1
nevergiveup123
neverforget1
believeinyourself
livelaughlove
liveyourlife
carpediem1234
hakunamatata
hakunamatata1
supercalifragilistic
supercalifragilisticexpialidocious
thequickbrownfox
thequickbrownfoxjumpsoverthelazydog
correcthorsebatterystaple
onetwothreefour
onetwothreefourfive
abcdefghijklmnopqrstuvwxyz
maythe4thbewithyou
maytheforcebewithyou
iamyourfather
winteriscoming
youshallnotpass
harrypotter123
harrypotter1234
voldemort1234
expectopatronum
welcometothejungle
stairwaytoheaven
highwaytohell
smellsliketeenspirit
bohemianrhapsody
hotelcalifornia
manchesterunited
manchestercity
liverpoolfc1892
realmadrid1902
michaeljordan
michaeljordan23
kobebryant24
lebronjames23
cristianoronaldo
lionelmessi10
spongebobsquarepants
mickeymouse123
hellokitty123
chocolatecake
chocolatechip
peanutbutter1
peanutbutterjelly
strawberryshortcake
administrator
administrator1
administrator123
adminadmin123
adminpassword
admin1234567
rootpassword
rootroot1234
systemadmin1
webmaster123
defaultpassword
default12345
welcomewelcome
welcome12345
welcome123456
letmein12345
letmein123456
guestguest123
testtest1234
testpassword
password@123
passw0rd1234
p@ssw0rd1234
p@ssword1234
passwort1234
motdepasse123
contrasena123
senha1234567
wachtwoord123
salasana1234
W
)

{
	printf '%s\n' "$literals"
	awk -v roots="$roots" -v tails="$tails" 'BEGIN {
		nr = split(roots, r, /[ \n]+/); nt = split(tails, t, /[ \n]+/)
		for (i = 1; i <= nr; i++) {
			w = r[i]; if (w == "") continue
			print w; print w w; print "ilove" w; print "iloveyou" w
			for (j = 1; j <= nt; j++) if (t[j] != "") print w t[j]
			for (y = 1970; y <= 2029; y++) print w y
		}
	}'
} | tr 'A-Z' 'a-z' |
	LC_ALL=C grep -E '^[[:print:]]{12,}$' | LC_ALL=C grep -v '[\\"]' |
	LC_ALL=C sort -u |
	# Drop an entry when the policy's stripping of trailing digits and
	# punctuation already reaches a shorter listed one ("password12345"
	# is refused through "password1234"), so the list stays small.
	awk '{ all[NR] = $0; have[$0] = 1 }
	END {
		for (i = 1; i <= NR; i++) {
			s = all[i]; keep = 1
			while (length(s) > 12 && substr(s, length(s)) ~ /[0-9[:punct:] ]/) {
				s = substr(s, 1, length(s) - 1)
				if (s in have) { keep = 0; break }
			}
			if (keep) print all[i]
		}
	}' > "$out.tmp"
mv "$out.tmp" "$out"
echo "make-blocklist: $(wc -l < "$out") entries in $out" >&2
