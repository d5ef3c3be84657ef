from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import HanlingCase


@tagged("post_install", "-at_install")
class TestRoomBooking(HanlingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chess, cls.reading = cls.env["hanling.room"].create(
            [
                {
                    "name": "棋牌室",
                    "community_id": cls.community.id,
                    "room_type": "chess",
                    "capacity": 12,
                },
                {"name": "阅览室", "community_id": cls.community.id, "room_type": "reading"},
            ]
        )
        cls.booking = cls.env["hanling.room.booking"].create(
            {
                "room_id": cls.chess.id,
                "purpose": "象棋比赛",
                "partner_id": cls.owner.id,
                "date_start": datetime(2026, 5, 1, 1, 0),
                "date_stop": datetime(2026, 5, 1, 3, 0),
            }
        )

    def _book(self, room, start, stop, user=None, **values):
        model = self.env["hanling.room.booking"]
        if user:
            model = model.with_user(user)
        return model.create(
            {
                "room_id": room.id,
                "purpose": "活动",
                "date_start": start,
                "date_stop": stop,
                **values,
            }
        )

    def test_double_booking_refused(self):
        duty = self.users["t_duty"]
        with self.assertRaises(ValidationError):
            self._book(
                self.chess, datetime(2026, 5, 1, 2, 0), datetime(2026, 5, 1, 4, 0), user=duty
            )
        with self.assertRaises(ValidationError):
            self._book(self.chess, datetime(2026, 5, 1, 1, 30), datetime(2026, 5, 1, 2, 0))
        with self.assertRaises(ValidationError):
            self._book(self.chess, datetime(2026, 5, 1, 0, 0), datetime(2026, 5, 1, 5, 0))
        # Two overlapping bookings in one batch are refused too.
        with self.assertRaises(ValidationError):
            self.env["hanling.room.booking"].create(
                [
                    {
                        "room_id": self.reading.id,
                        "purpose": "A",
                        "date_start": datetime(2026, 6, 1, 1, 0),
                        "date_stop": datetime(2026, 6, 1, 3, 0),
                    },
                    {
                        "room_id": self.reading.id,
                        "purpose": "B",
                        "date_start": datetime(2026, 6, 1, 2, 0),
                        "date_stop": datetime(2026, 6, 1, 4, 0),
                    },
                ]
            )
        # Moving an existing booking onto another is refused.
        other = self._book(self.chess, datetime(2026, 5, 1, 5, 0), datetime(2026, 5, 1, 6, 0))
        with self.assertRaises(ValidationError):
            other.date_start = datetime(2026, 5, 1, 2, 30)

    def test_adjacent_other_room_and_cancelled_allowed(self):
        duty = self.users["t_duty"]
        back_to_back = self._book(
            self.chess, datetime(2026, 5, 1, 3, 0), datetime(2026, 5, 1, 4, 0), user=duty
        )
        same_time_other_room = self._book(
            self.reading, datetime(2026, 5, 1, 1, 0), datetime(2026, 5, 1, 3, 0), user=duty
        )
        self.assertEqual((back_to_back | same_time_other_room).mapped("state"), ["confirmed"] * 2)
        self.booking.with_user(duty).action_cancel()
        self.assertEqual(self.booking.state, "cancel")
        self.assertTrue(self.booking.date_cancelled)
        with self.assertRaises(UserError):
            self.booking.action_cancel()
        freed = self._book(self.chess, datetime(2026, 5, 1, 1, 0), datetime(2026, 5, 1, 2, 0))
        self.assertEqual(freed.state, "confirmed")

    def test_bad_times_and_capacity_refused(self):
        with self.assertRaises(ValidationError):
            self._book(self.reading, datetime(2026, 5, 2, 3, 0), datetime(2026, 5, 2, 1, 0))
        with self.assertRaises(ValidationError):
            self._book(
                self.chess, datetime(2026, 5, 2, 1, 0), datetime(2026, 5, 2, 2, 0), attendees=20
            )

    def test_access(self):
        with self.assertRaises(AccessError):
            self._book(
                self.reading,
                datetime(2026, 5, 3, 1, 0),
                datetime(2026, 5, 3, 2, 0),
                user=self.users["t_tech"],
            )
        with self.assertRaises(AccessError):
            self.env["hanling.room"].with_user(self.users["t_cssup"]).create(
                {"name": "健身房", "community_id": self.community.id}
            )
        with self.assertRaises(AccessError):
            self.booking.with_user(self.users["t_duty"]).unlink()

    def test_activity_sessions_book_their_room(self):
        event = self.env["event.event"].create(
            {
                "name": "象棋兴趣班",
                "hanling_community_id": self.community.id,
                "hanling_kind": "interest",
                "hanling_room_id": self.chess.id,
                "date_begin": datetime(2026, 5, 4, 1, 0),
                "date_end": datetime(2026, 5, 4, 3, 0),
            }
        )
        session = self.env["hanling.event.session"].create(
            {
                "event_id": event.id,
                "date_begin": datetime(2026, 5, 4, 1, 0),
                "date_end": datetime(2026, 5, 4, 3, 0),
            }
        )
        booking = session.booking_id
        self.assertEqual(
            (booking.room_id, booking.event_id, booking.state), (self.chess, event, "confirmed")
        )
        # A resident cannot take the room during the class...
        with self.assertRaises(ValidationError):
            self._book(self.chess, datetime(2026, 5, 4, 2, 0), datetime(2026, 5, 4, 4, 0))
        # ...and a class cannot be moved onto a resident's booking.
        with self.assertRaises(ValidationError):
            session.write(
                {"date_begin": datetime(2026, 5, 1, 1, 0), "date_end": datetime(2026, 5, 1, 2, 0)}
            )
        session.write(
            {"date_begin": datetime(2026, 5, 5, 1, 0), "date_end": datetime(2026, 5, 5, 3, 0)}
        )
        self.assertEqual(booking.date_start, datetime(2026, 5, 5, 1, 0))
        session.unlink()
        self.assertFalse(booking.exists())
